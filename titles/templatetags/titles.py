"""`{% household_titles household %}`: the titles a household holds, by year and level, with the stars
they were earned with, on the villager's lookup page and the clerk's statement (one query)."""

from django import template

from titles.selectors import titles_of

register = template.Library()


@register.inclusion_tag("titles/_household_titles.html")
def household_titles(household, style="lookup"):
    return {"titles": titles_of(household), "style": style}

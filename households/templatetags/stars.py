"""`{{ stars|draw_stars }}`: a star level drawn as ★, the way villagers know it."""

from django import template

register = template.Library()

# Beyond this many, a row of stars is hard to count at a glance and crowds the names out.
MOST_DRAWN = 5


@register.filter
def draw_stars(stars: int | None, most: int | None = None) -> str:
    """★★★ for three stars, empty for none (so a template can say `|default:"—"`).

    Given the most stars of the village's scheme, a scheme of more than five (a nine-star
    scheme) writes every level as a number, 7★, so that the rows line up.
    """
    stars = stars or 0
    if stars and max(stars, most or 0) > MOST_DRAWN:
        return f"{stars}★"
    return "★" * stars

"""The rule catalogue: domains and rules, shared by every village and edited by clerks.

A rule is retired by unticking "active", never deleted: past entries keep pointing at it (and
keep their own copy of its name and points). Only a superuser may delete, and the database
refuses even that while entries use the rule.
"""

from django.contrib import admin

from credits.forms import RuleForm
from credits.models import Domain, Rule


class CatalogueAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Domain)
class DomainAdmin(CatalogueAdmin):
    list_display = ("name", "position", "description")
    search_fields = ("name",)


@admin.register(Rule)
class RuleAdmin(CatalogueAdmin):
    form = RuleForm
    list_display = ("name", "domain", "points", "cap_per_year", "active", "position")
    list_filter = ("active", "domain")
    list_select_related = ("domain",)
    search_fields = ("name", "description")

"""The titles as a sheet (CSV or Excel), through the admin's export button: what the list shows,
within its scope."""

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from households.exports import NumberField, SheetResource
from titles.models import Title


class TitleResource(SheetResource):
    year = NumberField(attribute="year", column_name=_("year"))
    level = Field(column_name=_("level"))
    village = Field(attribute="village__name", column_name=_("village"))
    number = Field(attribute="number", column_name=_("household number"))
    head_name = Field(attribute="head_name", column_name=_("head of household"))
    stars = NumberField(attribute="stars", column_name=_("stars"))
    named_stars = Field(column_name=_("named stars"))
    awarded_at = Field(column_name=_("awarded at"))

    class Meta:
        model = Title
        fields = ("year", "level", "village", "number", "head_name", "stars", "named_stars", "awarded_at")
        export_order = fields

    def dehydrate_level(self, title):
        return str(title.get_level_display())

    def dehydrate_named_stars(self, title):
        return "、".join(title.named_stars)

    def dehydrate_awarded_at(self, title):
        from django.utils import timezone

        return timezone.localtime(title.awarded_at).strftime("%Y-%m-%d")

"""The household roster exported as a sheet (CSV, Excel), for django-import-export.

Households with their score, balance and stars; the phone is masked unless the user holds
`households.view_full_phone`. Importing the roster opens households through the ledger, so it
lives with the ledger in `credits.roster`.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from households.exports import NumberField, SheetResource
from households.models import Household, mask_phone
from households.selectors import may_see_full_phone, star_levels_of, stars_for

# --- export --------------------------------------------------------------------------------------


class HouseholdExportResource(SheetResource):
    """Households with their standing; the phone masked unless the user may see it in full."""

    village = Field(attribute="village__code", column_name=_("village code"))
    village_name = Field(attribute="village__name", column_name=_("village"))
    number = Field(attribute="number", column_name=_("household number"))
    head_name = Field(attribute="head_name", column_name=_("head of household"))
    group = Field(attribute="group", column_name=_("group / grid"))
    address = Field(attribute="address", column_name=_("address"))
    phone = Field(column_name=_("phone"))
    active = Field(column_name=_("active"))
    score = NumberField(attribute="score", column_name=_("score"))
    balance = NumberField(attribute="balance", column_name=_("balance"))
    stars = Field(column_name=_("stars"))

    class Meta:
        model = Household
        fields = (
            "village", "village_name", "number", "head_name", "group", "address", "phone", "active",
            "score", "balance", "stars",
        )  # fmt: skip
        export_order = fields

    def __init__(self, *, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.full_phone = bool(user and may_see_full_phone(user))
        self.levels: dict[int, list[tuple[int, int]]] = {}

    def before_export(self, queryset, **kwargs):
        self.levels = star_levels_of(queryset.order_by().values_list("village_id", flat=True).distinct())

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("village")

    def dehydrate_phone(self, household):
        return household.phone if self.full_phone else mask_phone(household.phone)

    def dehydrate_active(self, household):
        return gettext("yes") if household.active else gettext("closed")

    def dehydrate_stars(self, household):
        levels = self.levels.get(household.village_id)
        if levels is None:
            levels = self.levels[household.village_id] = star_levels_of([household.village_id])[household.village_id]
        return stars_for(household.score, levels)

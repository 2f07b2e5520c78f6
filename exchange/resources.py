"""Redemptions exported as a sheet (CSV, Excel), for django-import-export: one row per redemption.

Its goods are listed in one cell from the lines' snapshots (name, unit, quantity), as the receipt
printed them. No phone numbers.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from exchange.models import Redemption, RedemptionLine
from households.exports import NumberField, SheetResource


class RedemptionExportResource(SheetResource):
    number = Field(column_name=_("No."))
    created_at = Field(column_name=_("time"))
    village = Field(attribute="shop__village__code", column_name=_("village code"))
    shop = Field(attribute="shop__name", column_name=_("shop"))
    household = Field(attribute="household__number", column_name=_("household number"))
    head_name = Field(attribute="household__head_name", column_name=_("head of household"))
    goods = Field(column_name=_("goods"))
    total = NumberField(attribute="total", column_name=_("total points"))
    shopkeeper = Field(attribute="shopkeeper__username", column_name=_("shopkeeper"))
    voided = Field(column_name=_("voided"))
    void_reason = Field(attribute="void__reason", column_name=_("reason"))

    class Meta:
        model = Redemption
        fields = (
            "number", "created_at", "village", "shop", "household", "head_name", "goods", "total", "shopkeeper",
            "voided", "void_reason",
        )  # fmt: skip
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        # Two queries a chunk: the redemptions with their joins, then their lines.
        lines = Prefetch("lines", queryset=RedemptionLine.objects.order_by("id"))
        return (
            queryset.select_related("shop__village", "household", "shopkeeper", "void")
            .prefetch_related(lines)
            .order_by("id")
        )

    def dehydrate_number(self, redemption):
        return redemption.number

    def dehydrate_created_at(self, redemption):
        return timezone.localtime(redemption.created_at).strftime("%Y-%m-%d %H:%M")

    def dehydrate_goods(self, redemption):
        return "；".join(f"{line.name}×{line.quantity}{line.unit}" for line in redemption.lines.all())

    def dehydrate_voided(self, redemption):
        return gettext("yes") if hasattr(redemption, "void") else ""

"""The ledger exported as a sheet (CSV, Excel), for django-import-export: one row per entry.

No personal data beyond the head's name: an entry export carries no phone number.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from credits.models import Entry
from households.exports import NumberField, SheetResource


class EntryExportResource(SheetResource):
    id = NumberField(attribute="id", column_name=_("entry"))
    village = Field(attribute="household__village__code", column_name=_("village code"))
    number = Field(attribute="household__number", column_name=_("household number"))
    head_name = Field(attribute="household__head_name", column_name=_("head of household"))
    occurred_on = Field(attribute="occurred_on", column_name=_("date of the deed"))
    kind = Field(column_name=_("kind"))
    domain = Field(attribute="domain_name", column_name=_("domain"))
    rule_name = Field(attribute="rule_name", column_name=_("rule"))
    points = NumberField(attribute="points", column_name=_("points"))
    score_after = NumberField(attribute="score_after", column_name=_("score after"))
    balance_after = NumberField(attribute="balance_after", column_name=_("balance after"))
    note = Field(attribute="note", column_name=_("note"))
    reverses = NumberField(attribute="reverses_id", column_name=_("reverses"))
    recorded_by = Field(attribute="recorded_by__username", column_name=_("recorded by"))
    created_at = Field(column_name=_("recorded at"))

    class Meta:
        model = Entry
        fields = (
            "id", "village", "number", "head_name", "occurred_on", "kind", "domain", "rule_name", "points",
            "score_after", "balance_after", "note", "reverses", "recorded_by", "created_at",
        )  # fmt: skip
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        # One query for the whole sheet, whatever its length.
        return queryset.select_related("household__village", "recorded_by").order_by("id")

    def dehydrate_kind(self, entry):
        return entry.get_kind_display()

    def dehydrate_created_at(self, entry):
        return timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")

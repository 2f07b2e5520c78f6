"""The ledger exported as a sheet (CSV, Excel), for django-import-export: one row per entry.

No personal data beyond the head's name: an entry export carries no phone number.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field

from credits.models import Entry


class EntryExportResource(resources.ModelResource):
    id = Field(attribute="id", column_name="entry")
    village = Field(attribute="household__village__code", column_name="village code")
    number = Field(attribute="household__number", column_name="household number")
    head_name = Field(attribute="household__head_name", column_name="head of household")
    occurred_on = Field(attribute="occurred_on", column_name="date of the deed")
    kind = Field(column_name="kind")
    domain = Field(attribute="rule__domain__name", column_name="domain")
    rule_name = Field(attribute="rule_name", column_name="rule")
    points = Field(attribute="points", column_name="points")
    score_after = Field(attribute="score_after", column_name="score after")
    balance_after = Field(attribute="balance_after", column_name="balance after")
    note = Field(attribute="note", column_name="note")
    reverses = Field(attribute="reverses_id", column_name="reverses")
    recorded_by = Field(attribute="recorded_by__username", column_name="recorded by")
    created_at = Field(column_name="recorded at")

    class Meta:
        model = Entry
        fields = (
            "id", "village", "number", "head_name", "occurred_on", "kind", "domain", "rule_name", "points",
            "score_after", "balance_after", "note", "reverses", "recorded_by", "created_at",
        )  # fmt: skip
        export_order = fields

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)

    def filter_export(self, queryset, **kwargs):
        # One query for the whole sheet, whatever its length.
        return queryset.select_related("household__village", "rule__domain", "recorded_by").order_by("id")

    def get_export_headers(self, selected_fields=None):
        return [_(heading) for heading in super().get_export_headers(selected_fields)]

    def dehydrate_kind(self, entry):
        return entry.get_kind_display()

    def dehydrate_created_at(self, entry):
        return timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")

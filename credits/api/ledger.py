"""The API's ledger: a household's entries, reversing one, and the request shapes of recording and
adjusting, whose views are in `cases.api`: the village's notice and approval settings route those
writes, as the admin's pages do.

Reads of the ledger are for clerks and officers of the household's village; shopkeepers see
households but never their entries. Every write calls one of `credits.services`, which lock the
households and refuse anyone who does not keep their village; refusals become 403/409/422 with
the service's own code and message (`api.errors`).
"""

import django_filters
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import IdField, IdFilter, IntegerFilter, RequestSerializer, SignedPointsField, TextField, get_in_scope
from api.permissions import RolePermission
from api.schema import READ, WRITE, errors
from api.scope import readable_households
from credits import services
from credits.forms import MAX_ADJUSTMENT
from credits.models import Entry
from evidence.api import EvidenceSerializer
from households.selectors import households_for


class EntrySerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    recorded_late = serializers.BooleanField(
        read_only=True, help_text="Recorded more than two weeks after the deed (补记); statements mark it."
    )
    evidence = EvidenceSerializer(many=True, read_only=True, help_text="Photos and documents of the entry.")

    class Meta:
        model = Entry
        fields = [
            "id", "household", "kind", "rule", "rule_name", "domain_name", "rule_standard", "points",
            "score_after", "balance_after", "occurred_on", "note", "recorded_by", "created_at", "recorded_late",
            "reverses", "evidence",
        ]  # fmt: skip
        read_only_fields = fields


class EntryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Entry.Kind.choices)
    year = IntegerFilter(
        field_name="occurred_on", lookup_expr="year", min_value=1, max_value=9999, help_text="The year of the deed."
    )
    domain = IdFilter(field_name="rule__domain_id")

    class Meta:
        model = Entry
        fields = ["kind", "year", "domain"]


def _ledger_household(user, pk):
    """A household whose ledger `user` may read: 404 outside their scope, 403 for a shopkeeper."""
    try:
        return get_in_scope(households_for(user), pk)
    except Http404:
        get_in_scope(readable_households(user), pk)  # still 404 unless a shopkeeper may look it up
        raise PermissionDenied() from None


@extend_schema_view(get=extend_schema(responses={200: EntrySerializer(many=True), **errors(*READ)}))
class HouseholdEntries(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = "credits.view_entry"
    serializer_class = EntrySerializer
    filterset_class = EntryFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Entry.objects.none()
        household = _ledger_household(self.request.user, self.kwargs["pk"])
        return household.entries.select_related("recorded_by").prefetch_related("evidence").order_by("-id")


def today():
    return timezone.localdate()


class RecordSerializer(RequestSerializer):
    household = IdField()
    rule = IdField()
    occurred_on = serializers.DateField(
        required=False, default=today, help_text="The date of the deed; today if left out."
    )
    note = TextField(max_length=200, required=False, allow_blank=True, default="")


class BatchSerializer(RequestSerializer):
    households = serializers.ListField(child=IdField(), min_length=1, max_length=1000)
    skip = serializers.ListField(
        child=IdField(),
        max_length=1000,
        required=False,
        default=list,
        help_text="Households of the list to leave out, e.g. those an earlier batch_refused named: the others are "
        "recorded, all or nothing.",
    )
    rule = IdField()
    occurred_on = serializers.DateField(required=False, default=today)
    note = TextField(max_length=200, required=False, allow_blank=True, default="")


class ReverseSerializer(RequestSerializer):
    reason = TextField(max_length=200)


class AdjustSerializer(RequestSerializer):
    household = IdField()
    points = SignedPointsField(min_value=-MAX_ADJUSTMENT, max_value=MAX_ADJUSTMENT)
    reason = TextField(max_length=200)
    occurred_on = serializers.DateField(required=False, default=today)


class LedgerWrite(APIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": "credits.add_entry"}


class EntryReverse(LedgerWrite):
    @extend_schema(request=ReverseSerializer, responses={201: EntrySerializer, **errors(*WRITE)})
    def post(self, request, pk):
        entry = get_in_scope(Entry.objects.filter(household__in=households_for(request.user)), pk)
        data = ReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reversal = services.entry_reverse(entry=entry, reason=data.validated_data["reason"], by=request.user)
        return Response(EntrySerializer(reversal).data, status=status.HTTP_201_CREATED)

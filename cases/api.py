"""The API's cases: the queue, each case, approving, not approving and deciding; and the ledger's
writes (`entries/`, `entries/batch/`, `adjustments/`) routed by the village's notice and approval
settings, as the admin's pages are.

Reading needs `cases.view_case` and the case's village in the user's scope (clerks, officers) or
review (reviewers); a case outside it is a 404. Approving is for a clerk or reviewer of the village
other than the recorder, deciding for its reviewers: the services check both, and their refusals
are 403 (`own_case`, `may_not_approve`, `not_reviewer`) or 409 (`case_not_waiting`). Reading a
case past its notice period finalises it first, as every other reader does. A household objects
from its lookup page, which has no account; there is no API for it.
"""

import django_filters
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import IdFilter, RequestSerializer, SignedPointsField, TextField, get_in_scope
from api.idempotency import idempotent, key_parameter
from api.permissions import RolePermission
from api.schema import READ, WRITE, errors
from api.scope import readable_households
from cases import services
from cases.models import Case
from cases.selectors import cases_for
from credits.api import ledger
from credits.api.ledger import AdjustSerializer, BatchSerializer, EntrySerializer, RecordSerializer
from credits.selectors import rules_for

State = Case.State


class CaseSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    decision = serializers.SerializerMethodField(help_text="The reviewers' decision of an objection; null until then.")

    class Meta:
        model = Case
        fields = [
            "id", "village", "household", "kind", "rule", "rule_name", "points", "occurred_on", "note", "state",
            "needs_approval", "needs_notice", "recorded_by", "created_at", "approved_by", "approved_at",
            "notice_ends_at", "objection", "objected_at", "decision", "decided_by", "decided_at", "reason",
            "final_points", "entry", "ledger_refusal", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Case.Decision.choices, allow_null=True))
    def get_decision(self, case) -> str | None:
        return case.decision or None


class CaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Case.State.choices)
    household = IdFilter(field_name="household_id")

    class Meta:
        model = Case
        fields = ["state", "household"]


def _finalise_due(cases):
    """Finalise the cases of `cases` whose notice period has ended, before anyone reads them."""
    due = cases.filter(state=State.NOTICE, notice_ends_at__lte=timezone.now())
    for case in due.order_by("pk")[:100]:
        services.case_finalise(case=case)


@extend_schema_view(get=extend_schema(responses={200: CaseSerializer(many=True), **errors(*READ)}))
class CaseList(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = "cases.view_case"
    serializer_class = CaseSerializer
    filterset_class = CaseFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        cases = cases_for(self.request.user)
        _finalise_due(cases)
        return cases.select_related("recorded_by", "approved_by", "decided_by").order_by("-id")


@extend_schema_view(get=extend_schema(responses={200: CaseSerializer, **errors(*READ)}))
class CaseDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    read_perm = "cases.view_case"
    serializer_class = CaseSerializer

    def get_object(self):
        case = get_in_scope(cases_for(self.request.user), self.kwargs["pk"])
        return services.case_finalise(case=case)


class ReasonSerializer(RequestSerializer):
    reason = TextField(max_length=500)


class DecideSerializer(RequestSerializer):
    decision = serializers.ChoiceField(choices=Case.Decision.choices)
    reason = TextField(max_length=500)
    points = SignedPointsField(
        required=False,
        allow_null=True,
        min_value=-10_000,
        max_value=10_000,
        help_text="For a reduced decision: the smaller points recorded instead, of the same sign.",
    )


class CaseAction(APIView):
    permission_classes = [RolePermission]
    # Whether the user may approve (a clerk or reviewer of the village) is the service's to say.
    write_perms = {"POST": "cases.view_case"}

    def case(self, request, pk) -> Case:
        return get_in_scope(cases_for(request.user), pk)


class CaseApprove(CaseAction):
    @extend_schema(request=None, responses={200: CaseSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        case = services.case_approve(case=self.case(request, pk), by=request.user)
        return Response(CaseSerializer(case).data)


class CaseReject(CaseAction):
    @extend_schema(request=ReasonSerializer, responses={200: CaseSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        case = self.case(request, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_reject(case=case, by=request.user, reason=data.validated_data["reason"])
        return Response(CaseSerializer(case).data)


class CaseDecide(CaseAction):
    write_perms = {"POST": "cases.review_case"}

    @extend_schema(request=DecideSerializer, responses={200: CaseSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        case = self.case(request, pk)
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_decide(case=case, by=request.user, **data.validated_data)
        return Response(CaseSerializer(case).data)


HELD = OpenApiResponse(
    CaseSerializer, description="Not yet recorded: a case waiting for approval or in its notice period."
)


class EntryCreate(ledger.LedgerWrite):
    @extend_schema(
        request=RecordSerializer,
        responses={201: EntrySerializer, 202: HELD, **errors(*WRITE)},
        parameters=[key_parameter(required=False)],
        description="201 with the entry when it reached the ledger; 202 with the case when the village's "
        "settings hold it for approval or notice.",
    )
    def post(self, request):
        return idempotent(request, lambda: self._record(request), required=False)

    def _record(self, request):
        data = RecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        rule = get_in_scope(rules_for(request.user), fields["rule"])
        household = get_in_scope(readable_households(request.user), fields["household"])
        outcome = services.record(
            households=[household], rule=rule, occurred_on=fields["occurred_on"], note=fields["note"], by=request.user
        )
        return _answer(outcome)


class EntryBatch(ledger.LedgerWrite):
    @extend_schema(
        request=BatchSerializer,
        responses={
            201: inline_serializer(
                "BatchOutcome",
                {
                    "count": serializers.IntegerField(help_text="Entries recorded."),
                    "entries": EntrySerializer(many=True),
                    "cases": CaseSerializer(many=True),
                    "skipped": serializers.ListField(child=serializers.IntegerField()),
                },
            ),
            **errors(*WRITE),
        },
        parameters=[key_parameter(required=False)],
        description=(
            "All or nothing: a refusal lists each household refused and why. To go on without them, send the "
            "same batch again with those households in `skip`. Households the village's settings hold for "
            "approval or notice are in `cases`, not yet in `entries`."
        ),
    )
    def post(self, request):
        return idempotent(request, lambda: self._record(request), required=False)

    def _record(self, request):
        data = BatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        rule = get_in_scope(rules_for(request.user), fields["rule"])
        ids = set(fields["households"])
        households = list(readable_households(request.user).filter(pk__in=ids))
        if len(households) != len(ids):
            raise Http404  # one of them is not in the user's scope, or not at all
        skipped = sorted(ids & set(fields["skip"]))
        outcome = services.record(
            households=[household for household in households if household.pk not in skipped],
            rule=rule,
            occurred_on=fields["occurred_on"],
            note=fields["note"],
            by=request.user,
        )
        body = {
            "count": len(outcome.entries),
            "entries": EntrySerializer(outcome.entries, many=True).data,
            "cases": CaseSerializer(outcome.cases, many=True).data,
            "skipped": skipped,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class AdjustmentCreate(ledger.LedgerWrite):
    @extend_schema(request=AdjustSerializer, responses={201: EntrySerializer, 202: HELD, **errors(*WRITE)})
    def post(self, request):
        data = AdjustSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        household = get_in_scope(readable_households(request.user), fields["household"])
        outcome = services.adjust(
            household=household,
            points=fields["points"],
            reason=fields["reason"],
            occurred_on=fields["occurred_on"],
            by=request.user,
        )
        return _answer(outcome)


def _answer(outcome) -> Response:
    if outcome.entries:
        return Response(EntrySerializer(outcome.entries[0]).data, status=status.HTTP_201_CREATED)
    return Response(CaseSerializer(outcome.cases[0]).data, status=status.HTTP_202_ACCEPTED)

"""The API's claims and reports: the clerk's queue, each one, approving, rejecting, marking handled.

Reading needs `claims.view_claim` (or `claims.view_report`) and the village in the user's scope
(clerks, officers); one outside it is a 404. Deciding needs `claims.review_claim`, and the service
checks the village is one the user keeps: its refusals are 403 (`may_not_review`), 409
(`claim_not_pending`) or the ledger's own (a cap reached, a closed year…). A household sends its
claims and reports from its lookup page, which has no account; there is no API for that.

Both lists are in the order of the admin's queue (`claims.selectors.queue_order`): the ones waiting
first, the one waiting longest on top, then the decided ones, the latest decision first.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import IdFilter, RequestSerializer, TextField, get_in_scope
from api.permissions import RolePermission
from api.schema import READ, WRITE, errors
from cases.api import ReasonSerializer
from claims import services
from claims.models import Claim, Report
from claims.selectors import CLAIM_QUEUE, REPORT_QUEUE, claims_for, reports_for


class ClaimSerializer(serializers.ModelSerializer):
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    photos = serializers.SerializerMethodField(help_text="Links to the claim's photos (display copies).")

    class Meta:
        model = Claim
        fields = [
            "id", "village", "household", "rule", "rule_name", "points", "occurred_on", "description", "created_at",
            "state", "decided_by", "decided_at", "reason", "entry", "case", "photos",
        ]  # fmt: skip
        read_only_fields = fields

    def get_photos(self, claim) -> list[str]:
        request = self.context.get("request")
        urls = [photo.get_absolute_url() for photo in claim.evidence.all()]
        return [request.build_absolute_uri(url) for url in urls] if request else urls


class ReportSerializer(serializers.ModelSerializer):
    handled_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    photos = serializers.SerializerMethodField(help_text="Links to the report's photos (display copies).")

    class Meta:
        model = Report
        fields = [
            "id", "village", "household", "description", "place", "created_at", "state", "handled_by",
            "handled_at", "note", "photos",
        ]  # fmt: skip
        read_only_fields = fields

    def get_photos(self, report) -> list[str]:
        request = self.context.get("request")
        urls = [photo.get_absolute_url() for photo in report.evidence.all()]
        return [request.build_absolute_uri(url) for url in urls] if request else urls


class ClaimFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Claim.State.choices)
    household = IdFilter(field_name="household_id")

    class Meta:
        model = Claim
        fields = ["state", "household"]


class ReportFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Report.State.choices)
    household = IdFilter(field_name="household_id")

    class Meta:
        model = Report
        fields = ["state", "household"]


@extend_schema_view(
    get=extend_schema(
        description="The clerk's queue: pending claims first, the one waiting longest on top; then the decided "
        "ones, the latest decision first.",
        responses={200: ClaimSerializer(many=True), **errors(*READ)},
    )
)
class ClaimList(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = "claims.view_claim"
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Claim.objects.none()
        return (
            claims_for(self.request.user)
            .select_related("decided_by")
            .prefetch_related("evidence")
            .order_by(*CLAIM_QUEUE)
        )


@extend_schema_view(get=extend_schema(responses={200: ClaimSerializer, **errors(*READ)}))
class ClaimDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    read_perm = "claims.view_claim"
    serializer_class = ClaimSerializer

    def get_object(self):
        return get_in_scope(claims_for(self.request.user), self.kwargs["pk"])


class HandledSerializer(RequestSerializer):
    note = TextField(max_length=500)


class ClaimAction(APIView):
    permission_classes = [RolePermission]
    # Whether the user keeps the claim's village is the service's to say.
    write_perms = {"POST": "claims.review_claim"}

    def claim(self, request, pk) -> Claim:
        return get_in_scope(claims_for(request.user), pk)


class ClaimApprove(ClaimAction):
    @extend_schema(request=None, responses={200: ClaimSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        claim = services.claim_approve(claim=self.claim(request, pk), by=request.user)
        return Response(ClaimSerializer(claim, context={"request": request}).data)


class ClaimReject(ClaimAction):
    @extend_schema(request=ReasonSerializer, responses={200: ClaimSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        claim = self.claim(request, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_reject(claim=claim, by=request.user, reason=data.validated_data["reason"])
        return Response(ClaimSerializer(claim, context={"request": request}).data)


@extend_schema_view(
    get=extend_schema(
        description="The clerk's reports: open ones first, the one waiting longest on top; then the handled "
        "ones, the latest handled first.",
        responses={200: ReportSerializer(many=True), **errors(*READ)},
    )
)
class ReportList(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = "claims.view_report"
    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return (
            reports_for(self.request.user)
            .select_related("handled_by")
            .prefetch_related("evidence")
            .order_by(*REPORT_QUEUE)
        )


@extend_schema_view(get=extend_schema(responses={200: ReportSerializer, **errors(*READ)}))
class ReportDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    read_perm = "claims.view_report"
    serializer_class = ReportSerializer

    def get_object(self):
        return get_in_scope(reports_for(self.request.user), self.kwargs["pk"])


class ReportHandle(APIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": "claims.review_claim"}

    @extend_schema(request=HandledSerializer, responses={200: ReportSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        report = get_in_scope(reports_for(request.user), pk)
        data = HandledSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_handle(report=report, by=request.user, note=data.validated_data["note"])
        return Response(ReportSerializer(report, context={"request": request}).data)

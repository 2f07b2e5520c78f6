"""The API's rule catalogues: each village's catalogue, its versions, their domains and rules.

Reads follow `credits.selectors.catalogues_for`: clerks and officers read their villages' own and
the templates they may start from; a rule or a catalogue of another village is a 404, the same as
a missing one. Writes call `credits.services`, which change only a draft of a catalogue the user
keeps (superusers keep templates), and keep every change in the history.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import BooleanFilter, IdField, IdFilter, RequestSerializer, SignedPointsField, TextField, get_in_scope
from api.permissions import RolePermission
from api.schema import READ, WRITE, errors
from credits import services
from credits.models import Catalogue, CatalogueVersion, Domain, Rule
from credits.selectors import catalogues_for, rules_for, versions_for


def _domains(user):
    """Domains a rule may be put in: those of the drafts the user keeps."""
    return Domain.objects.filter(version__in=versions_for(user, write=True).filter(adopted_on__isnull=True))


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogueVersion
        fields = ["id", "catalogue", "number", "based_on", "adopted", "meeting", "adopted_on", "effective_from"]
        read_only_fields = fields


class CatalogueSerializer(serializers.ModelSerializer):
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = Catalogue
        fields = ["id", "name", "village", "town", "versions"]
        read_only_fields = fields


@extend_schema_view(get=extend_schema(responses={200: CatalogueSerializer(many=True), **errors(*READ)}))
class CatalogueList(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = "credits.view_catalogue"
    serializer_class = CatalogueSerializer

    def get_queryset(self):
        return catalogues_for(self.request.user).prefetch_related("versions").order_by("id")


@extend_schema_view(get=extend_schema(responses={200: CatalogueSerializer, **errors(*READ)}))
class CatalogueDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    read_perm = "credits.view_catalogue"
    serializer_class = CatalogueSerializer

    def get_object(self):
        return get_in_scope(catalogues_for(self.request.user), self.kwargs["pk"])


class VersionDraft(APIView):
    """Start the catalogue's next version, a draft copy of its latest."""

    permission_classes = [RolePermission]
    write_perms = {"POST": "credits.change_catalogue"}

    @extend_schema(request=None, responses={201: VersionSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        catalogue = get_in_scope(catalogues_for(request.user), pk)
        version = services.version_draft(catalogue=catalogue, by=request.user)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class AdoptSerializer(RequestSerializer):
    meeting = TextField(max_length=100)
    adopted_on = serializers.DateField()
    effective_from = serializers.DateField()


class VersionAdopt(APIView):
    """Adopt a draft at a meeting, in force from a day."""

    permission_classes = [RolePermission]
    write_perms = {"POST": "credits.change_catalogueversion"}

    @extend_schema(request=AdoptSerializer, responses={200: VersionSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        version = get_in_scope(versions_for(request.user), pk)
        data = AdoptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.version_adopt(version=version, by=request.user, **data.validated_data)
        return Response(VersionSerializer(version).data)


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["id", "version", "key", "name", "position", "description"]


@extend_schema_view(get=extend_schema(responses={200: DomainSerializer(many=True), **errors(*READ)}))
class DomainList(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = "credits.view_domain"
    serializer_class = DomainSerializer

    def get_queryset(self):
        return Domain.objects.filter(version__in=versions_for(self.request.user)).order_by("version", "position", "id")


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rule
        fields = [
            "id", "version", "key", "domain", "name", "points", "cap_per_year", "cap_per_month",
            "description", "active",
        ]  # fmt: skip
        read_only_fields = fields


class RuleWriteSerializer(RequestSerializer):
    domain = IdField()
    name = TextField(max_length=50)
    points = SignedPointsField(
        min_value=-services.MAX_RULE_POINTS,
        max_value=services.MAX_RULE_POINTS,
        help_text="Signed: positive for an award, negative for a deduction; not zero.",
    )
    cap_per_year = serializers.IntegerField(
        min_value=1, max_value=services.MAX_RULE_CAP, required=False, allow_null=True, default=None
    )
    cap_per_month = serializers.IntegerField(
        min_value=1, max_value=services.MAX_RULE_MONTH_CAP, required=False, allow_null=True, default=None
    )
    description = TextField(max_length=200, required=False, allow_blank=True, default="")
    active = serializers.BooleanField(required=False, default=True)


class RuleUpdateSerializer(RuleWriteSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            # A PATCH changes only what it names: no defaults filled in for the rest.
            field.default = serializers.empty


class RuleFilter(django_filters.FilterSet):
    domain = IdFilter(field_name="domain_id")
    version = IdFilter(field_name="version_id")
    active = BooleanFilter()

    class Meta:
        model = Rule
        fields = ["domain", "version", "active"]


@extend_schema_view(get=extend_schema(responses={200: RuleSerializer(many=True), **errors(*READ)}))
class RuleList(generics.ListCreateAPIView):
    permission_classes = [RolePermission]
    read_perm = "credits.view_rule"
    write_perms = {"POST": "credits.add_rule"}
    serializer_class = RuleSerializer
    filterset_class = RuleFilter

    def get_queryset(self):
        return rules_for(self.request.user).order_by("version", "domain__position", "domain_id", "position", "id")

    @extend_schema(request=RuleWriteSerializer, responses={201: RuleSerializer, **errors(*WRITE)})
    def post(self, request):
        data = RuleWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        domain = get_in_scope(_domains(request.user), fields.pop("domain"))
        rule = services.rule_create(domain=domain, by=request.user, **fields)
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(responses={200: RuleSerializer, **errors(*READ)}))
class RuleDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    read_perm = "credits.view_rule"
    write_perms = {"PATCH": "credits.change_rule"}
    serializer_class = RuleSerializer

    def get_object(self):
        return get_in_scope(rules_for(self.request.user), self.kwargs["pk"])

    @extend_schema(request=RuleUpdateSerializer, responses={200: RuleSerializer, **errors(*WRITE)})
    def patch(self, request, pk):
        rule = self.get_object()
        data = RuleUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if "domain" in changes:
            changes["domain"] = get_in_scope(_domains(request.user), changes["domain"])
        rule = services.rule_update(rule=rule, by=request.user, **changes)
        return Response(RuleSerializer(rule).data)

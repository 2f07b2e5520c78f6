"""The API's villages and households (`/api/villages/`, `/api/households/`).

Reads are scoped by `api.scope`: clerks and officers their villages, a shopkeeper the village of
their shop. Opening a household writes its opening entry (`credits.services.household_open`);
edits, closing and reopening go through `households.services`, which refuse anyone who does not
keep the village.
"""

import django_filters
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.fields import BooleanFilter, IdField, IdFilter, RequestSerializer, TextField, get_in_scope
from api.permissions import RolePermission
from api.schema import READ, WRITE, errors
from api.scope import readable_households, readable_villages
from credits.services import household_open
from households import services
from households.models import Household, Village
from households.selectors import household_search, may_change_village, phone_for, year_stars_of


class VillageSerializer(serializers.ModelSerializer):
    town = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = Village
        fields = ["id", "code", "name", "town"]


@extend_schema_view(get=extend_schema(responses={200: VillageSerializer(many=True), **errors(*READ)}))
class VillageList(generics.ListAPIView):
    serializer_class = VillageSerializer
    permission_classes = [RolePermission]

    def get_queryset(self):
        return readable_villages(self.request.user).select_related("town").order_by("town__name", "name", "id")


class HouseholdSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)
    star = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField(
        help_text="In full to users who may see phone numbers in full (clerks), else masked: 138****1234."
    )

    class Meta:
        model = Household
        fields = [
            "id", "village", "village_code", "number", "head_name", "group",
            "score", "balance", "star", "active", "phone",
        ]  # fmt: skip
        read_only_fields = fields

    def get_phone(self, household) -> str:
        return phone_for(self.context["request"].user, household.phone)

    def get_star(self, household) -> int:
        stars = self.context.get("stars") or year_stars_of([household], timezone.localdate().year)
        return stars[household.pk][0]


def household_context(households) -> dict:
    """The stars of a page of households, from this year's points, in two queries."""
    return {"stars": year_stars_of(households, timezone.localdate().year)}


class HouseholdCreateSerializer(RequestSerializer):
    village = IdField()
    number = TextField(max_length=20)
    head_name = TextField(max_length=50)
    group = TextField(max_length=50, required=False, allow_blank=True, default="")
    address = TextField(max_length=200, required=False, allow_blank=True, default="")
    phone = TextField(max_length=20, required=False, allow_blank=True, default="")


class HouseholdUpdateSerializer(RequestSerializer):
    head_name = TextField(max_length=50, required=False)
    group = TextField(max_length=50, required=False, allow_blank=True)
    address = TextField(max_length=200, required=False, allow_blank=True)
    phone = TextField(max_length=20, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False, help_text="false closes the household, true reopens it.")


class HouseholdFilter(django_filters.FilterSet):
    village = IdFilter(field_name="village_id")
    # Not trimmed, so the length allowed is that of the value as sent, as the schema says.
    group = django_filters.CharFilter(field_name="group", max_length=50, strip=False)
    q = django_filters.CharFilter(
        method="search", max_length=100, strip=False, help_text="Number, name or pinyin initials."
    )
    active = BooleanFilter()

    class Meta:
        model = Household
        fields = ["village", "group", "q", "active"]

    def search(self, queryset, name, value):
        return household_search(queryset, value)


@extend_schema_view(get=extend_schema(responses={200: HouseholdSerializer(many=True), **errors(*READ)}))
class HouseholdList(generics.ListCreateAPIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": "households.add_household"}
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter

    def get_queryset(self):
        return readable_households(self.request.user).select_related("village").order_by("village_id", "number", "id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), **household_context(page)}
        return self.get_paginated_response(HouseholdSerializer(page, many=True, context=context).data)

    @extend_schema(request=HouseholdCreateSerializer, responses={201: HouseholdSerializer, **errors(*WRITE)})
    def post(self, request):
        data = HouseholdCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        village = get_in_scope(readable_villages(request.user), fields.pop("village"))
        household = household_open(village=village, by=request.user, **fields)
        shown = HouseholdSerializer(household, context=self.get_serializer_context()).data
        return Response(shown, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(responses={200: HouseholdSerializer, **errors(*READ)}))
class HouseholdDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    write_perms = {"PATCH": "households.change_household"}
    serializer_class = HouseholdSerializer

    def get_object(self):
        household = get_in_scope(readable_households(self.request.user).select_related("village"), self.kwargs["pk"])
        self.check_object_permissions(self.request, household)
        return household

    @extend_schema(request=HouseholdUpdateSerializer, responses={200: HouseholdSerializer, **errors(*WRITE)})
    def patch(self, request, pk):
        household = self.get_object()
        data = HouseholdUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not may_change_village(request.user, household.village_id):
            raise PermissionDenied()
        changes = data.validated_data
        with transaction.atomic():
            edits = {field: changes[field] for field in ("head_name", "group", "address", "phone") if field in changes}
            if edits:
                current = {field: getattr(household, field) for field in ("head_name", "group", "address", "phone")}
                services.household_update(household=household, by=request.user, **{**current, **edits})
            if changes.get("active") is False and household.active:
                services.household_close(household=household, by=request.user)
            elif changes.get("active") is True and not household.active:
                services.household_reopen(household=household, by=request.user)
        return Response(HouseholdSerializer(household, context=self.get_serializer_context()).data)

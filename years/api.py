"""The API's years: a village's year closes with their frozen figures, and any year's figures
(frozen when closed, live while open). Read-only, with the admin's permissions: clerks and
officers read their villages'; another village's close or year is a 404 like a missing one."""

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import IdFilter, IntegerFilter, get_in_scope
from api.permissions import RolePermission
from api.schema import READ, errors
from households.selectors import villages_for
from years.models import YearClose, YearSnapshot
from years.selectors import year_figures, year_is_closed


class SnapshotRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = YearSnapshot
        fields = ["household", "number", "head_name", "points", "rank", "stars", "score", "balance"]
        read_only_fields = fields


class YearCloseSerializer(serializers.ModelSerializer):
    standing = serializers.BooleanField(help_text="False once reopened; its figures are kept as history.")

    class Meta:
        model = YearClose
        fields = [
            "id", "village", "year", "standing", "closed_at", "closed_by", "score_start", "balance_start",
            "expire_percent", "expire_on", "expired_at", "households", "points", "reopened_at", "reopened_by",
            "reopen_reason",
        ]  # fmt: skip
        read_only_fields = fields


class YearCloseDetailSerializer(YearCloseSerializer):
    rows = SnapshotRowSerializer(many=True, read_only=True)

    class Meta(YearCloseSerializer.Meta):
        fields = [*YearCloseSerializer.Meta.fields, "rows"]
        read_only_fields = fields


# The years a village's books can hold; any other is simply not found.
YEARS = (2000, 9999)


class YearCloseFilter(django_filters.FilterSet):
    village = IdFilter(field_name="village_id")
    year = IntegerFilter(min_value=YEARS[0], max_value=YEARS[1])

    class Meta:
        model = YearClose
        fields = ["village", "year"]


def _closes(user):
    return YearClose.objects.filter(village__in=villages_for(user))


@extend_schema_view(get=extend_schema(responses={200: YearCloseSerializer(many=True), **errors(*READ)}))
class YearCloseList(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = "years.view_yearclose"
    serializer_class = YearCloseSerializer
    filterset_class = YearCloseFilter

    def get_queryset(self):
        return _closes(self.request.user).order_by("village_id", "-year", "-closed_at", "id")


@extend_schema_view(get=extend_schema(responses={200: YearCloseDetailSerializer, **errors(*READ)}))
class YearCloseDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    read_perm = "years.view_yearclose"
    serializer_class = YearCloseDetailSerializer

    def get_object(self):
        close = get_in_scope(_closes(self.request.user), self.kwargs["pk"])
        close._prefetched_objects_cache = {"rows": close.rows.order_by("rank", "number", "pk")}
        return close


class HouseholdYearSerializer(serializers.Serializer):
    household = serializers.IntegerField(source="household_id")
    number = serializers.CharField()
    head_name = serializers.CharField()
    points = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
    stars = serializers.IntegerField()


class YearFiguresSerializer(serializers.Serializer):
    village = serializers.IntegerField()
    year = serializers.IntegerField()
    closed = serializers.BooleanField(help_text="True: the figures are frozen by the year's close.")
    households = HouseholdYearSerializer(many=True)


class YearFigures(APIView):
    """Every household's points, rank and stars of a year: frozen once the year is closed, live before."""

    permission_classes = [RolePermission]
    read_perm = "years.view_yearclose"

    @extend_schema(responses={200: YearFiguresSerializer, **errors(*READ)})
    def get(self, request, pk: int, year: int):
        village = get_in_scope(villages_for(request.user), pk)
        if not YEARS[0] <= year <= YEARS[1]:
            raise Http404
        data = {
            "village": village.pk,
            "year": year,
            "closed": year_is_closed(village, year),
            "households": year_figures(village, year),
        }
        return Response(YearFiguresSerializer(data).data)

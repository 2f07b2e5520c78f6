"""The API's selections and titles, with the admin's permissions.

Reading: a village's selections (with their candidates) and titles for whoever reads the village;
the nominations to a town or county for its officers. Writing: the village's steps (start, confirm,
publish, award, nominate to the town) for its clerks; selecting a nominee for the town's or the
county's officers, and nominating a town title to the county for the town's officers. The services
check who may act; their refusals are 403 (`not_yours`, `not_officer`), 409 when the present state
refuses (a step out of order, a quota used up, a title already held) and 422 when the request
depends on today (a year not over, a notice ending before today).
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import IdField, IdFilter, IntegerFilter, RequestSerializer, get_in_scope
from api.permissions import RolePermission
from api.schema import READ, WRITE, errors
from households.selectors import villages_for
from titles import services
from titles.models import Candidate, Level, Nomination, Selection, Title
from titles.selectors import nominations_for

YEARS = (2000, 9999)


class CandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["household", "number", "head_name", "points", "stars", "named_stars", "vetoed"]
        read_only_fields = fields


class SelectionSerializer(serializers.ModelSerializer):
    veto_rules = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Selection
        fields = [
            "id", "village", "year", "state", "min_stars", "veto_rules", "notice_until", "created_at",
            "confirmed_at", "published_at", "awarded_at",
        ]  # fmt: skip
        read_only_fields = fields


class SelectionDetailSerializer(SelectionSerializer):
    candidates = CandidateSerializer(many=True, read_only=True)

    class Meta(SelectionSerializer.Meta):
        fields = [*SelectionSerializer.Meta.fields, "candidates"]
        read_only_fields = fields


class TitleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Title
        fields = ["id", "household", "village", "year", "level", "number", "head_name", "stars", "named_stars",
                  "awarded_at"]  # fmt: skip
        read_only_fields = fields


class NominationSerializer(serializers.ModelSerializer):
    title = TitleSerializer(read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", "title", "to_level", "nominated_at"]
        read_only_fields = fields


class SelectionStartSerializer(RequestSerializer):
    village = IdField()
    year = serializers.IntegerField(min_value=YEARS[0], max_value=YEARS[1])


class NoticeSerializer(RequestSerializer):
    notice_until = serializers.DateField()


class SelectionFilter(django_filters.FilterSet):
    village = IdFilter(field_name="village_id")
    year = IntegerFilter(min_value=YEARS[0], max_value=YEARS[1])

    class Meta:
        model = Selection
        fields = ["village", "year"]


class TitleFilter(django_filters.FilterSet):
    village = IdFilter(field_name="village_id")
    household = IdFilter(field_name="household_id")
    year = IntegerFilter(min_value=YEARS[0], max_value=YEARS[1])
    level = django_filters.ChoiceFilter(choices=Level.choices)

    class Meta:
        model = Title
        fields = ["village", "household", "year", "level"]


def _selections(user):
    return Selection.objects.filter(village__in=villages_for(user))


def _titles(user):
    return Title.objects.filter(village__in=villages_for(user))


@extend_schema_view(
    get=extend_schema(responses={200: SelectionSerializer(many=True), **errors(*READ)}),
    post=extend_schema(request=SelectionStartSerializer, responses={201: SelectionSerializer, **errors(*WRITE)}),
)
class SelectionList(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = "titles.view_selection"
    write_perms = {"POST": "titles.add_selection"}
    serializer_class = SelectionSerializer
    filterset_class = SelectionFilter

    def get_queryset(self):
        return _selections(self.request.user).prefetch_related("veto_rules").order_by("village_id", "-year", "id")

    def post(self, request):
        data = SelectionStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        village = get_in_scope(villages_for(request.user), data.validated_data["village"])
        selection = services.selection_create(village=village, year=data.validated_data["year"], by=request.user)
        return Response(SelectionSerializer(selection).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(responses={200: SelectionDetailSerializer, **errors(*READ)}))
class SelectionDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    read_perm = "titles.view_selection"
    serializer_class = SelectionDetailSerializer

    def get_object(self):
        return get_in_scope(_selections(self.request.user).prefetch_related("candidates", "veto_rules"),
                            self.kwargs["pk"])  # fmt: skip


class SelectionStep(APIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": "titles.add_selection"}

    def selection(self, request, pk) -> Selection:
        return get_in_scope(_selections(request.user), pk)

    def answer(self, selection) -> Response:
        selection = Selection.objects.prefetch_related("candidates", "veto_rules").get(pk=selection.pk)
        return Response(SelectionDetailSerializer(selection).data)


class SelectionConfirm(SelectionStep):
    @extend_schema(request=None, responses={200: SelectionDetailSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        return self.answer(services.selection_confirm(selection=self.selection(request, pk), by=request.user))


class SelectionPublish(SelectionStep):
    @extend_schema(request=NoticeSerializer, responses={200: SelectionDetailSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        selection = self.selection(request, pk)
        data = NoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.answer(
            services.selection_publish(
                selection=selection, by=request.user, notice_until=data.validated_data["notice_until"]
            )
        )


class SelectionAward(SelectionStep):
    @extend_schema(request=None, responses={200: SelectionDetailSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        selection = self.selection(request, pk)
        services.selection_award(selection=selection, by=request.user)
        return self.answer(selection)


@extend_schema_view(get=extend_schema(responses={200: TitleSerializer(many=True), **errors(*READ)}))
class TitleList(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = "titles.view_title"
    serializer_class = TitleSerializer
    filterset_class = TitleFilter

    def get_queryset(self):
        return _titles(self.request.user).order_by("-year", "village_id", "level", "number", "id")


class TitleNominate(APIView):
    """A village title to the town (the village's clerks), a town title to the county (the town's officers)."""

    permission_classes = [RolePermission]
    write_perms = {"POST": "titles.view_title"}

    @extend_schema(request=None, responses={201: NominationSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        title = get_in_scope(_titles(request.user), pk)
        nomination = services.title_nominate(title=title, by=request.user)
        return Response(NominationSerializer(nomination).data, status=status.HTTP_201_CREATED)


class NominationFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="title__year", min_value=YEARS[0], max_value=YEARS[1])
    to_level = django_filters.ChoiceFilter(
        choices=[(Level.TOWN, Level.TOWN.label), (Level.COUNTY, Level.COUNTY.label)]
    )

    class Meta:
        model = Nomination
        fields = ["year", "to_level"]


@extend_schema_view(get=extend_schema(responses={200: NominationSerializer(many=True), **errors(*READ)}))
class NominationList(generics.ListAPIView):
    """The nominations the user decides: to the towns and the county they are officers of."""

    permission_classes = [RolePermission]
    read_perm = "titles.view_nomination"
    serializer_class = NominationSerializer
    filterset_class = NominationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator asks without a user
            return Nomination.objects.none()
        return nominations_for(self.request.user).order_by("-title__year", "id")


class NominationSelect(APIView):
    permission_classes = [RolePermission]
    # Officers hold read permissions only; the service checks that they are the place's officers.
    write_perms = {"POST": "titles.view_nomination"}

    @extend_schema(request=None, responses={201: TitleSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        nomination = get_in_scope(nominations_for(request.user), pk)
        title = services.title_select(nomination=nomination, by=request.user)
        return Response(TitleSerializer(title).data, status=status.HTTP_201_CREATED)

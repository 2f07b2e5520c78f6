"""The API's activities (`/api/activities/`): publishing, sign-ups, check-in, closing and cancelling.

Reading is for whoever may read the activity's village (clerks, officers) and for the organisers
named on it; anything else is a 404. Publishing, editing, cancelling, closing and keeping the
sign-ups need the clerk's permissions, as in the admin, and the services refuse anyone who does not
keep the village (403 `not_yours`). Checking in is for the village's clerks and the activity's
organisers (403 `not_organiser`), as on the check-in page. Every write is one call of
`activities.services`: closing awards through the ledger's batch service, all or nothing, and a
refused batch names each household refused (409 `batch_refused`). A household signs itself up on
its lookup page, which has no account; there is no API for that.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import services
from activities.errors import NotOrganiser, NotSignedUp
from activities.models import Activity, Signup
from activities.selectors import activities_for, activities_organised_by, may_organise, with_counts
from api.fields import (
    DateFilter,
    IdField,
    IdFilter,
    LocalTimeField,
    MomentField,
    RequestSerializer,
    TextField,
    get_in_scope,
)
from api.idempotency import idempotent, key_parameter
from api.permissions import RolePermission
from api.schema import READ, WRITE, errors
from credits.api.ledger import EntrySerializer
from credits.selectors import rules_for
from households.models import Household
from households.selectors import villages_for

# What became of an activity; the `state` filter and field.
STATES = [
    ("open", pgettext_lazy("activity", "open")),
    ("closed", pgettext_lazy("activity", "closed")),
    ("cancelled", pgettext_lazy("activity", "cancelled")),
]


def readable_activities(user):
    """The activities of the villages `user` may read, and those they are named to organise."""
    return Activity.objects.filter(
        Q(pk__in=activities_for(user).values("pk")) | Q(pk__in=activities_organised_by(user).values("pk"))
    )


def state_of(activity: Activity) -> str:
    if activity.closed:
        return "closed"
    if activity.cancelled:
        return "cancelled"
    return "open"


class ActivitySerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    points = serializers.IntegerField(
        source="rule.points", read_only=True, help_text="Awarded to each household checked in."
    )
    starts_at = LocalTimeField(read_only=True, allow_null=True)
    signup_until = MomentField(read_only=True, help_text="Households sign up on the lookup page until then.")
    state = serializers.SerializerMethodField()
    signup_open = serializers.BooleanField(
        read_only=True, help_text="Households may still sign up on the lookup page."
    )
    taken = serializers.SerializerMethodField(help_text="Households signed up.")
    present = serializers.SerializerMethodField(help_text="Households checked in.")
    organisers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    closed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    cancelled_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id", "village", "title", "rule", "rule_name", "points", "held_on", "starts_at", "place", "capacity",
            "signup_until", "description", "state", "signup_open", "taken", "present", "organisers",
            "created_by", "created_at", "closed_by", "closed_at", "cancelled_by", "cancelled_at",
        ]  # fmt: skip
        read_only_fields = fields

    @staticmethod
    def _counted(activity: Activity) -> Activity:
        if not hasattr(activity, "taken"):
            counted = with_counts(Activity.objects.filter(pk=activity.pk)).get()
            activity.taken, activity.present = counted.taken, counted.present
        return activity

    @extend_schema_field(serializers.ChoiceField(choices=STATES))
    def get_state(self, activity) -> str:
        return state_of(activity)

    def get_taken(self, activity) -> int:
        return self._counted(activity).taken

    def get_present(self, activity) -> int:
        return self._counted(activity).present


class SignupSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="household.number", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    signed_up_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Empty when the household signed itself up."
    )
    checked_in_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Signup
        fields = [
            "id", "activity", "household", "number", "head_name", "signed_up_at", "signed_up_by", "checked_in_at",
            "checked_in_by", "entry",
        ]  # fmt: skip
        read_only_fields = fields


class CheckedInSerializer(SignupSerializer):
    already = serializers.BooleanField(read_only=True, help_text="Checked in before: nothing changed.")
    walk_in = serializers.BooleanField(read_only=True, help_text="Not signed up before: signed up on the spot.")

    class Meta(SignupSerializer.Meta):
        fields = [*SignupSerializer.Meta.fields, "already", "walk_in"]
        read_only_fields = fields


class ActivityFilter(django_filters.FilterSet):
    village = IdFilter(field_name="village_id")
    held_from = DateFilter(field_name="held_on", lookup_expr="gte", help_text="Held on this day or after.")
    held_to = DateFilter(field_name="held_on", lookup_expr="lte", help_text="Held on this day or before.")
    state = django_filters.ChoiceFilter(choices=STATES, method="by_state")

    class Meta:
        model = Activity
        fields = ["village", "held_from", "held_to", "state"]

    def by_state(self, queryset, name, value):
        return {
            "open": queryset.filter(closed_at__isnull=True, cancelled_at__isnull=True),
            "closed": queryset.filter(closed_at__isnull=False),
            "cancelled": queryset.filter(cancelled_at__isnull=False),
        }[value]


MAX_CAPACITY = services.MAX_CAPACITY


def organisers_field():
    """The organisers a clerk names on publishing or editing: the same field in both."""
    return serializers.ListField(
        child=TextField(max_length=150),
        max_length=20,
        required=False,
        help_text="Usernames of the village's clerks and shopkeepers who may check households in; "
        "the list replaces the activity's organisers.",
    )


class ActivityCreateSerializer(RequestSerializer):
    village = IdField()
    title = TextField(max_length=80)
    rule = IdField(help_text="An award of the village's catalogue, in force on the day.")
    held_on = serializers.DateField()
    starts_at = LocalTimeField(required=False, allow_null=True, default=None)
    place = TextField(max_length=100)
    capacity = serializers.IntegerField(
        min_value=1,
        max_value=MAX_CAPACITY,
        required=False,
        allow_null=True,
        default=None,
        help_text="Empty: no limit.",
    )
    signup_until = MomentField(
        help_text="Households sign up on the lookup page until then; before the activity starts."
    )
    description = TextField(max_length=300, required=False, allow_blank=True, default="")
    organisers = organisers_field()


class ActivityUpdateSerializer(RequestSerializer):
    title = TextField(max_length=80, required=False)
    rule = IdField(required=False)
    held_on = serializers.DateField(required=False)
    starts_at = LocalTimeField(required=False, allow_null=True)
    place = TextField(max_length=100, required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY, required=False, allow_null=True)
    signup_until = MomentField(required=False)
    description = TextField(max_length=300, required=False, allow_blank=True)
    organisers = organisers_field()


class HouseholdRefSerializer(RequestSerializer):
    household = IdField()


class CodeSerializer(RequestSerializer):
    code = TextField(
        max_length=200, help_text="The household's number (4 finds 0004) or what a scan of its card read."
    )


CHECK_IN = PolymorphicProxySerializer(
    component_name="CheckIn",
    serializers=[HouseholdRefSerializer, CodeSerializer],
    resource_type_field_name=None,
)

CLOSED = inline_serializer(
    "ActivityClosing",
    {
        "activity": ActivitySerializer(),
        "count": serializers.IntegerField(help_text="Entries recorded: one per household checked in."),
        "points": serializers.IntegerField(help_text="Points awarded in all."),
        "entries": EntrySerializer(many=True),
    },
)


def _shown(activity: Activity, request) -> dict:
    return ActivitySerializer(activity, context={"request": request}).data


@extend_schema_view(get=extend_schema(responses={200: ActivitySerializer(many=True), **errors(*READ)}))
class ActivityList(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = None  # scope decides: the village's readers and the activity's organisers
    write_perms = {"POST": "activities.add_activity"}
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        activities = with_counts(readable_activities(self.request.user))
        return (
            activities.select_related("rule", "created_by", "closed_by", "cancelled_by")
            .prefetch_related("organisers")
            .order_by("-held_on", "-id")
        )

    @extend_schema(
        request=ActivityCreateSerializer,
        responses={201: ActivitySerializer, **errors(*WRITE)},
        parameters=[key_parameter(required=False)],
    )
    def post(self, request):
        return idempotent(request, lambda: self._publish(request), required=False)

    def _publish(self, request):
        data = ActivityCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        village = get_in_scope(villages_for(request.user), fields.pop("village"))
        fields["rule"] = get_in_scope(rules_for(request.user), fields["rule"])
        fields["organisers"] = _users(fields.get("organisers", ()))
        activity = services.activity_create(village=village, by=request.user, **fields)
        return Response(_shown(activity, request), status=status.HTTP_201_CREATED)


def _users(names) -> list:
    """The users of these usernames, once each. A name nobody has stays an unsaved user of that name,
    so the service refuses it as it refuses anyone who does not work for the village, by name, and
    the answer tells no one whether such a user exists."""
    User = get_user_model()
    found = {user.username: user for user in User.objects.filter(username__in=names)}
    return [found.get(name) or User(username=name) for name in dict.fromkeys(names)]


def _activity(request, pk) -> Activity:
    return get_in_scope(readable_activities(request.user).select_related("village", "rule"), pk)


@extend_schema_view(get=extend_schema(responses={200: ActivitySerializer, **errors(*READ)}))
class ActivityDetail(generics.RetrieveAPIView):
    permission_classes = [RolePermission]
    read_perm = None
    write_perms = {"PATCH": "activities.change_activity"}
    serializer_class = ActivitySerializer

    def get_object(self):
        return _activity(self.request, self.kwargs["pk"])

    @extend_schema(request=ActivityUpdateSerializer, responses={200: ActivitySerializer, **errors(*WRITE)})
    def patch(self, request, pk):
        activity = self.get_object()
        data = ActivityUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "rule" in fields:
            fields["rule"] = get_in_scope(rules_for(request.user), fields["rule"])
        if "organisers" in fields:
            fields["organisers"] = _users(fields["organisers"])
        activity = services.activity_update(activity=activity, by=request.user, **fields)
        return Response(_shown(activity, request))


@extend_schema_view(get=extend_schema(responses={200: SignupSerializer(many=True), **errors(*READ)}))
class SignupList(generics.ListAPIView):
    permission_classes = [RolePermission]
    read_perm = None
    write_perms = {"POST": "activities.add_signup"}
    serializer_class = SignupSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Signup.objects.none()
        activity = _activity(self.request, self.kwargs["pk"])
        return activity.signups.select_related("household", "signed_up_by", "checked_in_by").order_by(
            "household__number", "id"
        )

    @extend_schema(
        request=HouseholdRefSerializer,
        responses={201: SignupSerializer, **errors(*WRITE)},
        parameters=[key_parameter(required=False)],
        description="A clerk signs a household of the village up, after the deadline too, while there is room.",
    )
    def post(self, request, pk):
        return idempotent(request, lambda: self._sign_up(request, pk), required=False)

    def _sign_up(self, request, pk):
        activity = _activity(request, pk)
        household = _household(activity, request.data, HouseholdRefSerializer)
        signup = services.signup_create(activity=activity, household=household, by=request.user)
        return Response(SignupSerializer(signup).data, status=status.HTTP_201_CREATED)


def _household(activity: Activity, body, serializer) -> Household:
    data = serializer(data=body)
    data.is_valid(raise_exception=True)
    return get_in_scope(Household.objects.filter(village_id=activity.village_id), data.validated_data["household"])


class Withdraw(APIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": "activities.delete_signup"}

    @extend_schema(request=HouseholdRefSerializer, responses={200: ActivitySerializer, **errors(*WRITE)})
    def post(self, request, pk):
        activity = _activity(request, pk)
        household = _household(activity, request.data, HouseholdRefSerializer)
        signup = activity.signups.filter(household=household).first()
        if signup is None:
            raise NotSignedUp(number=household.number, title=activity.title)
        services.signup_cancel(signup=signup, by=request.user)
        return Response(_shown(_activity(request, pk), request))


class CheckIn(APIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": None}  # the village's clerks and the activity's organisers: the service says

    @extend_schema(
        request=CHECK_IN,
        responses={200: CheckedInSerializer, **errors(*WRITE)},
        description="By the household's id, or by its number or card (`code`). A household not signed up is "
        "signed up on the spot if there is room (`walk_in`); checking in twice changes nothing (`already`).",
    )
    def post(self, request, pk):
        activity = _activity(request, pk)
        if not may_organise(request.user, activity):
            raise NotOrganiser()
        if isinstance(request.data, dict) and "code" in request.data:
            data = CodeSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            household = services.household_for_code(activity=activity, code=data.validated_data["code"])
        else:
            household = _household(activity, request.data, HouseholdRefSerializer)
        walk_in = not activity.signups.filter(household=household).exists()
        signup = services.check_in(activity=activity, household=household, by=request.user)
        signup.walk_in = walk_in and not signup.already
        return Response(CheckedInSerializer(signup).data)


class Close(APIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": "activities.change_activity"}

    @extend_schema(
        request=None,
        responses={200: CLOSED, **errors(*WRITE)},
        parameters=[key_parameter(required=False)],
        description="Awards the activity's rule to every household checked in, all or nothing: a refusal "
        "(409 `batch_refused`) names each household refused and why, and the activity stays open so they can "
        "be unticked. Closing twice is refused (409 `activity_closed`).",
    )
    def post(self, request, pk):
        return idempotent(request, lambda: self._close(request, pk), required=False)

    def _close(self, request, pk):
        activity = _activity(request, pk)
        entries = services.activity_close(activity=activity, by=request.user)
        body = {
            "activity": _shown(_activity(request, pk), request),
            "count": len(entries),
            "points": sum(entry.points for entry in entries),
            "entries": EntrySerializer(entries, many=True).data,
        }
        return Response(body)


class Cancel(APIView):
    permission_classes = [RolePermission]
    write_perms = {"POST": "activities.change_activity"}

    @extend_schema(request=None, responses={200: ActivitySerializer, **errors(*WRITE)})
    def post(self, request, pk):
        activity = services.activity_cancel(activity=_activity(request, pk), by=request.user)
        return Response(_shown(_activity(request, activity.pk), request))

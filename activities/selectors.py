"""Reads of activities, scoped to the person asking or to the household looking."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from activities.models import Activity, Signup
from households.models import Household
from households.selectors import may_change_village, villages_for


def activities_for(user) -> QuerySet[Activity]:
    """The activities of the villages `user` may read."""
    return Activity.objects.filter(village__in=villages_for(user))


def activities_organised_by(user) -> QuerySet[Activity]:
    """The activities `user` may check households in at: their villages' (a clerk) or named ones."""
    if not user.is_authenticated or not user.is_active:
        return Activity.objects.none()
    return Activity.objects.filter(Q(village__in=villages_for(user, write=True)) | Q(organisers=user)).distinct()


def organiser_candidates(village_ids) -> QuerySet:
    """The staff who may be named organisers of an activity of these villages: the people who work
    for them, that is their clerks and the keepers of their shops, active. Officers only read, and
    another village's staff have no business at this village's activity."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(clerk_of_villages__in=village_ids) | Q(shops__village__in=village_ids))
        .distinct()
        .order_by("username")
    )


def may_organise(user, activity: Activity) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return may_change_village(user, activity.village_id) or activity.organisers.filter(pk=user.pk).exists()


def with_counts(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """Each activity with how many households signed up (`taken`) and were checked in (`present`)."""
    return activities.annotate(
        taken=Count("signups", distinct=True),
        present=Count("signups", filter=Q(signups__checked_in_at__isnull=False), distinct=True),
    )


def upcoming(village_id: int) -> QuerySet[Activity]:
    """A village's open activities from today on (neither closed nor cancelled), soonest first,
    with their counts."""
    today = timezone.localdate()
    rows = Activity.objects.filter(
        village_id=village_id, closed_at__isnull=True, cancelled_at__isnull=True, held_on__gte=today
    )
    return with_counts(rows).order_by("held_on", "starts_at", "id")


def open_for_signup(village_id: int, *, household: Household | None = None) -> QuerySet[Activity]:
    """The village's activities a household may still sign up for on the lookup page: upcoming and
    before their deadline, soonest first, with their counts and the rule they award; with a
    `household`, whether it is signed up already (`mine`), in the same query."""
    rows = upcoming(village_id).filter(signup_until__gte=timezone.now()).select_related("rule")
    if household is not None:
        rows = rows.annotate(mine=Exists(Signup.objects.filter(activity=OuterRef("pk"), household=household)))
    return rows


def household_signups(household: Household) -> QuerySet[Signup]:
    """A household's places, newest activity first, with the activity, its rule and any entry it earned."""
    return (
        Signup.objects.filter(household=household)
        .select_related("activity__rule", "entry")
        .order_by("-activity__held_on", "-activity_id")
    )

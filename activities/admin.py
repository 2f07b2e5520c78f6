"""Activities in the admin: a clerk publishes one for their village, keeps its sign-ups, ticks the
check-in list, and closes it (the awards, all or nothing) or cancels it.

Every write goes through `activities.services`; a refusal is shown as a form error or a message,
with nothing changed. Officers read; another village's activities are a plain 404.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from activities.forms import ActivityForm, HouseholdCodeForm
from activities.models import Activity, Signup
from activities.selectors import activities_for, with_counts
from activities.services import (
    activity_cancel,
    activity_close,
    activity_create,
    activity_update,
    check_in_list,
    household_for_code,
    signup_cancel,
    signup_create,
)
from credits.admin.pages import admin_page
from credits.errors import BatchRefused
from households.admin import ScopedAdmin, may_write
from households.errors import DomainError

RECORDED = ("created_by", "created_at", "closed_at", "closed_by", "cancelled_at", "cancelled_by")
EDITABLE = ("title", "rule", "held_on", "starts_at", "place", "capacity", "signup_until", "description")
FIELDS = (*EDITABLE, "organisers")


def refusal_text(error: DomainError) -> str:
    """The refusal in words, a refused batch naming each household and why."""
    if isinstance(error, BatchRefused):
        named = "；".join(f"{household}: {message}" for household, message in error.refusals)
        return f"{error.message} {named}"
    return error.message


class StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("open", pgettext("activity", "open")),
            ("closed", pgettext("activity", "closed")),
            ("cancelled", pgettext("activity", "cancelled")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "open":
            return queryset.filter(closed_at__isnull=True, cancelled_at__isnull=True)
        if value == "closed":
            return queryset.filter(closed_at__isnull=False)
        if value == "cancelled":
            return queryset.filter(cancelled_at__isnull=False)
        return queryset


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    change_form_template = "admin/activities/activity/change_form.html"
    list_display = ("held_on", "title", "village", "place", "places", "present_count", "state", "signups_link")
    list_display_links = ("held_on", "title")
    list_filter = (StateFilter, "village")
    search_fields = ("title", "place")
    date_hierarchy = "held_on"

    def get_queryset(self, request):
        return with_counts(activities_for(request.user)).select_related("village", "rule")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or (not obj.finished and may_write(request, obj.village_id))

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["village", *FIELDS]
        return ["village", *FIELDS, *RECORDED]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        done = ["village", *RECORDED]
        return done if self.has_change_permission(request, obj) else [*done, *FIELDS]

    def get_form(self, request, obj=None, **kwargs):
        if not self.has_change_permission(request, obj) and obj is not None:
            return super().get_form(request, obj, **kwargs)
        user = request.user

        class Publishing(ActivityForm):
            """The service runs once the fields are valid; its refusal is the form's error."""

            def __init__(self, *args, **inner):
                super().__init__(*args, user=user, **inner)
                if obj is not None:
                    del self.fields["village"]

            def clean(self):
                data = super().clean()
                if self.errors:
                    return data
                fields = {name: data.get(name) for name in EDITABLE}
                organisers = list(data.get("organisers") or [])
                try:
                    if obj is None:
                        self.published = activity_create(
                            village=data["village"], by=user, organisers=organisers, **fields
                        )
                    else:
                        self.published = activity_update(activity=obj, by=user, organisers=organisers, **fields)
                except DomainError as error:
                    raise forms.ValidationError(error.message) from None
                return data

        return Publishing

    def save_model(self, request, obj, form, change):
        """Published or changed already by the form's `clean`, through the service."""
        obj.pk = form.published.pk

    def save_related(self, request, form, formsets, change):
        """The organisers were set by the service, with the rest of the form."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/signups/", view(self.signups_view), name="activities_activity_signups"),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("places taken"))
    def places(self, activity):
        if activity.capacity is None:
            return str(activity.taken)
        return f"{activity.taken} / {activity.capacity}"

    @admin.display(description=gettext_lazy("checked in"))
    def present_count(self, activity):
        return activity.present

    @admin.display(description=gettext_lazy("state"))
    def state(self, activity):
        return state_of(activity)

    @admin.display(description=gettext_lazy("sign-ups"))
    def signups_link(self, activity):
        url = reverse("admin:activities_activity_signups", args=[activity.pk])
        return format_html('<a href="{}">{}</a>', url, _("Sign-ups and check-in"))

    def signups_view(self, request, object_id):
        """The sign-ups: sign one up, tick who came, remove one; close or cancel the activity."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        activity = get_object_or_404(self.get_queryset(request), pk=object_id)
        writable = may_write(request, activity.village_id) and not activity.finished
        add_form = HouseholdCodeForm(prefix="add")
        if request.method == "POST":
            if not writable:
                raise PermissionDenied
            action = request.POST.get("action")
            handler = {
                "add": self._add,
                "tick": self._tick,
                "remove": self._remove,
                "close": self._close,
                "cancel": self._cancel,
            }.get(action)
            if handler is None:
                messages.error(request, _("Unknown action."))
            else:
                done, add_form = handler(request, activity)
                if done:
                    return redirect("admin:activities_activity_signups", activity.pk)
            activity = get_object_or_404(self.get_queryset(request), pk=object_id)
        signups = list(activity.signups.select_related("household", "signed_up_by", "checked_in_by", "entry"))
        return admin_page(
            self,
            request,
            "admin/activities/activity/signups.html",
            title=_("%(title)s: sign-ups and check-in") % {"title": activity.title},
            activity=activity,
            state=state_of(activity),
            signups=signups,
            writable=writable,
            add_form=add_form,
            check_in_url=reverse("activities:check_in", args=[activity.pk]),
            original=activity,
        )

    def _add(self, request, activity):
        form = HouseholdCodeForm(request.POST, prefix="add")
        if not form.is_valid():
            return False, form
        try:
            household = household_for_code(activity=activity, code=form.cleaned_data["code"])
            signup_create(activity=activity, household=household, by=request.user)
        except DomainError as error:
            form.add_error("code", error.message)
            return False, form
        messages.success(request, _("%(household)s is signed up.") % {"household": household})
        return True, form

    def _tick(self, request, activity):
        try:
            present = {int(value) for value in request.POST.getlist("present")}
        except ValueError:
            messages.error(request, _("The list changed while it was open; please tick it again."))
            return False, HouseholdCodeForm(prefix="add")
        try:
            ticked, unticked = check_in_list(activity=activity, present=present, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return False, HouseholdCodeForm(prefix="add")
        messages.success(
            request,
            _("Check-in list saved: %(ticked)s checked in, %(unticked)s unticked.")
            % {"ticked": ticked, "unticked": unticked},
        )
        return True, None

    def _remove(self, request, activity):
        signup = Signup.objects.filter(activity=activity, pk=request.POST.get("signup", "0") or 0).first()
        if signup is None:
            messages.error(request, _("That household is no longer signed up."))
            return True, None
        try:
            signup_cancel(signup=signup, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return True, None
        messages.success(request, _("%(household)s is no longer signed up.") % {"household": signup.household})
        return True, None

    def _close(self, request, activity):
        try:
            entries = activity_close(activity=activity, by=request.user)
        except DomainError as error:
            messages.error(request, refusal_text(error))
            return True, None
        points = sum(entry.points for entry in entries)
        message = ngettext(
            "“%(title)s” is closed: %(count)s household checked in was awarded, %(points)s points in all.",
            "“%(title)s” is closed: %(count)s households checked in were awarded, %(points)s points in all.",
            len(entries),
        )
        messages.success(request, message % {"title": activity.title, "count": len(entries), "points": points})
        return True, None

    def _cancel(self, request, activity):
        try:
            activity_cancel(activity=activity, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return True, None
        messages.success(request, _("“%(title)s” is cancelled; nothing was awarded.") % {"title": activity.title})
        return True, None


def state_of(activity: Activity) -> str:
    if activity.closed:
        return pgettext("activity", "closed")
    if activity.cancelled:
        return pgettext("activity", "cancelled")
    if activity.signup_open:
        return pgettext("activity", "sign-up open")
    return pgettext("activity", "sign-up ended")

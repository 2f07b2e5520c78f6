"""The demo's activities: in each village a clean-up closed with its attendance in the ledger, a
meeting to come with a few households signed up, and a film night cancelled; small villages too."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from activities.models import Activity, Signup
from households.models import Village

pytestmark = pytest.mark.django_db


def test_each_demo_village_has_a_closed_an_upcoming_and_a_cancelled_activity(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        call_command("seed_demo", "--households", "12", stdout=StringIO())

    villages = Village.objects.all()
    assert villages.count() == 2
    today = timezone.localdate()
    for village in villages:
        activities = Activity.objects.filter(village=village)
        closed = activities.get(closed_at__isnull=False)
        coming = activities.get(closed_at__isnull=True, cancelled_at__isnull=True)
        cancelled = activities.get(cancelled_at__isnull=False)
        assert closed.held_on <= today < coming.held_on and cancelled.held_on > today
        present = closed.signups.filter(checked_in_at__isnull=False)
        assert present.exists() and all(signup.entry for signup in present)
        assert {signup.entry.rule_id for signup in present} == {closed.rule_id}
        assert all(signup.entry.recorded_by.username == closed.closed_by.username for signup in present)
        assert not closed.signups.filter(checked_in_at__isnull=True, entry__isnull=False).exists()
        signed = coming.signups.all()
        assert signed.exists() and all(signup.signed_up_by is None for signup in signed)
        assert coming.signup_open
    assert Signup.objects.filter(entry__isnull=False).count() >= 2
    call_command("reconcile", stdout=StringIO())

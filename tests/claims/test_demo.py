"""The demo's claims: each village opens 邻里互助 and its neighbours to claims; a few claims wait in the
clerk's queue with photos, one approved into the ledger, one rejected with its reason; two reports."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from claims.models import Claim, Report
from claims.selectors import claimable_rules
from households.models import Village

pytestmark = pytest.mark.django_db


def test_the_demo_village_has_claims_waiting_and_decided(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        call_command("seed_demo", "--households", "12", stdout=StringIO())
    village = Village.objects.get(code="nongfeng")

    assert "邻里互助" in [rule.name for rule in claimable_rules(village.pk)]
    claims = Claim.objects.filter(village=village)
    assert claims.filter(state=Claim.State.PENDING).count() == 3
    approved = claims.get(state=Claim.State.APPROVED)
    assert approved.entry.recorded_by.username == "clerk" and approved.entry.evidence.count() == 1
    assert claims.get(state=Claim.State.REJECTED).reason
    assert claims.filter(evidence__isnull=False).distinct().count() == 4
    assert set(Report.objects.filter(village=village).values_list("state", flat=True)) == {"open", "handled"}
    call_command("reconcile", stdout=StringIO())

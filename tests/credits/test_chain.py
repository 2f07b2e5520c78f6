"""Each household's entries form a hash chain; `reconcile` finds any entry rewritten, removed or
inserted behind the triggers' back, and the fingerprint printed earlier shows a chain rebuilt whole.

Tampering is done the way someone with full access to the database would: the append-only
triggers dropped (the test's transaction puts them back), then raw SQL.
"""

import io
import re
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from credits import append_only, chain, chain_sql, selectors
from credits.models import Entry
from credits.selectors import household_fingerprint, village_fingerprint
from credits.services import entry_adjust, entry_record, entry_record_batch, entry_reverse
from tests.credits.ledger import reconcile, refused_reconcile, today
from tests.factories import open_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(a1, a2, alice, award, deduction):
    """a1: opening, +2, −5, +3, the +2 reversed; a2 gets a +2 in between, as a batch."""
    first = entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    entry_record(household=a1, rule=deduction, occurred_on=today(), by=alice)
    entry_record_batch(households=[a1, a2], rule=award, occurred_on=today(), by=alice)
    entry_adjust(household=a1, points=3, reason="补记", by=alice)
    entry_reverse(entry=first, reason="记错了", by=alice)
    return list(Entry.objects.filter(household=a1).order_by("id"))


@pytest.fixture
def unguarded():
    append_only.remove(connection)


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_chains_each_households_entries_to_the_one_before(a1, history):
    a1.refresh_from_db()

    assert [entry.previous_hash for entry in history] == ["", *[entry.hash for entry in history[:-1]]]
    assert all(chain.entry_hash(entry, previous=entry.previous_hash) == entry.hash for entry in history)
    assert a1.chain_head == history[-1].hash
    assert "agree" in reconcile()


def test_it_finds_an_entry_rewritten_with_its_totals_made_to_match(a1, history, unguarded):
    # The attack of issue 11: points 2 -> 1002, every *_after and the household's cache moved along.
    rewritten = history[1]
    execute("UPDATE credits_entry SET points = points + 1000 WHERE id = %s", [rewritten.pk])
    execute(
        "UPDATE credits_entry SET score_after = score_after + 1000, balance_after = balance_after + 1000 "
        "WHERE household_id = %s AND id >= %s",
        [a1.pk, rewritten.pk],
    )
    execute("UPDATE households_household SET score = score + 1000, balance = balance + 1000 WHERE id = %s", [a1.pk])

    _error, output = refused_reconcile()

    first_line = output.splitlines()[0]
    assert first_line == f"nongfeng/0001: entry #{rewritten.pk} no longer matches its hash: it was rewritten"


def test_it_finds_a_rewritten_entry_whose_hash_was_recomputed(a1, history, unguarded):
    rewritten, after = history[2], history[3]
    rewritten.note = "改过"
    execute(
        "UPDATE credits_entry SET note = %s, hash = %s WHERE id = %s",
        ["改过", chain.entry_hash(rewritten, previous=rewritten.previous_hash), rewritten.pk],
    )

    _error, output = refused_reconcile()

    assert f"the hash chain breaks before entry #{after.pk}" in output


def test_it_finds_a_removed_entry(a1, history, unguarded):
    removed, after = history[2], history[3]
    execute("DELETE FROM credits_entry WHERE id = %s", [removed.pk])

    _error, output = refused_reconcile()

    assert f"nongfeng/0001: the hash chain breaks before entry #{after.pk}" in output


def test_it_finds_the_last_entry_removed(a1, history, unguarded):
    execute("DELETE FROM credits_entry WHERE id = %s", [history[-1].pk])

    _error, output = refused_reconcile()

    assert "nongfeng/0001: the household's chain head is not its last entry's hash" in output


def test_it_finds_an_inserted_entry_even_with_a_valid_hash(a1, alice, history, unguarded):
    # The forged entry goes before the last one, taking its id; the last moves up to make room.
    before, after = history[-2], history[-1]
    execute("UPDATE credits_entry SET id = id + 1000 WHERE id = %s", [after.pk])
    forged = Entry(
        pk=after.pk,
        household=a1,
        kind=Entry.Kind.ADJUSTMENT,
        points=0,
        in_score=True,
        occurred_on=today(),
        note="伪造",
        recorded_by=alice,
        created_at=timezone.now(),
        score_after=before.score_after,
        balance_after=before.balance_after,
    )
    a1.chain_head = before.hash
    chain.link(forged, household=a1)
    forged.save(force_insert=True)

    _error, output = refused_reconcile()

    chained, counted = output.splitlines()
    assert chained == f"nongfeng/0001: entries before #{after.pk + 1000} do not belong in the hash chain: inserted"
    # Its points sum to nothing, but the village's months' totals did not count it either.
    assert counted.endswith("the month's totals say 0 entries of 0 points but the entries are 1 of 0")


def test_it_shows_a_chain_rebuilt_whole_by_the_fingerprint_printed_before(a1, a2, village_a, history, unguarded):
    printed_at = timezone.now()
    printed = village_fingerprint(village_a)
    entry_adjust(household=a2, points=1, reason="后来的", by=history[0].recorded_by)
    assert village_fingerprint(village_a) != printed
    assert village_fingerprint(village_a, at=printed_at) == printed

    # Rewrite a1's second entry's note and recompute every later hash and the head: a clean reconcile.
    previous = history[0].hash
    for entry in history[1:]:
        if entry.pk == history[1].pk:
            entry.note = "改过"
        entry.hash = chain.entry_hash(entry, previous=previous)
        execute(
            "UPDATE credits_entry SET note = %s, previous_hash = %s, hash = %s WHERE id = %s",
            [entry.note, previous, entry.hash, entry.pk],
        )
        previous = entry.hash
    execute("UPDATE households_household SET chain_head = %s WHERE id = %s", [previous, a1.pk])
    assert "agree" in reconcile()

    assert village_fingerprint(village_a, at=printed_at) != printed


def test_it_gives_a_household_code_now_and_as_it_was(a1, alice, award, history):
    a1.refresh_from_db()
    earlier, code = timezone.now(), household_fingerprint(a1)
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    a1.refresh_from_db()

    assert household_fingerprint(a1) != code
    assert household_fingerprint(a1, at=earlier) == code
    assert household_fingerprint(a1, at=earlier - timedelta(days=1)) == ""
    assert len(code) == 19 and code.count("-") == 3


def test_it_leaves_households_opened_later_out_of_an_earlier_village_code(a1, village_a, alice):
    earlier, code = timezone.now(), village_fingerprint(village_a)
    open_household(village_a, by=alice, number="0099")

    assert village_fingerprint(village_a, at=earlier) == code


@pytest.fixture
def shown_now(monkeypatch):
    """Fingerprints shown for the current second, and the entries made so far a second behind it."""
    monkeypatch.setattr(selectors, "FINGERPRINT_SETTLE", timedelta(0))
    time.sleep(1 - timezone.now().microsecond / 1e6 + 0.01)


def test_it_shows_the_village_code_on_the_board_and_checks_it_by_its_time(
    client, village_a, a1, a2, alice, award, shown_now
):
    page = client.get(reverse("board", args=[village_a.code]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    code = re.search(r'id="village-fingerprint">([0-9A-Z-]+)<', page).group(1)
    shown_at = re.search(r"截至 ([0-9-]+ [0-9:]+)", page).group(1)
    assert code == village_fingerprint(village_a)  # every household's head
    entry_record(household=a2, rule=award, occurred_on=today(), by=alice)

    assert "改动、删除或插入" in page
    assert fingerprint("nongfeng", "--at", shown_at) == code
    time.sleep(1)
    assert fingerprint("nongfeng") != code


def test_it_shows_the_households_code_on_its_record(client, a1, alice, award, shown_now):
    entry_record(household=a1, rule=award, occurred_on=today(), by=alice)
    a1.refresh_from_db()
    time.sleep(1)

    page = client.get(reverse("lookup_card", args=[a1.card_token])).content.decode()

    assert f'id="lk-fingerprint-code">{household_fingerprint(a1)}<' in page
    assert fingerprint("nongfeng", "--household", "0001") == household_fingerprint(a1)


def test_the_fingerprint_command_refuses_what_it_cannot_read(village_a):
    with pytest.raises(CommandError, match="No village"):
        fingerprint("nowhere")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        fingerprint("nongfeng", "--at", "last month")


def fingerprint(*args) -> str:
    out = io.StringIO()
    call_command("ledger_fingerprint", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE credits_entry SET points = points + 1 WHERE id = {second}",
        "UPDATE credits_entry SET note = note || '!' WHERE id = {last}",
        # Text that must be escaped: the check in SQL builds such an entry's payload another way.
        "UPDATE credits_entry SET note = E'\"\\\\\\n' WHERE id = {second}",
        "DELETE FROM credits_entry WHERE id = {third}",
        "DELETE FROM credits_entry WHERE id = {last}",
        "UPDATE credits_entry SET previous_hash = '{first_hash}' WHERE id = {last}",
        "UPDATE households_household SET chain_head = '' WHERE id = {household}",
    ],
)
def test_postgresqls_check_finds_what_the_walk_in_python_finds(a1, alice, history, unguarded, tamper):
    if not chain_sql.usable():
        pytest.skip("the check in SQL is PostgreSQL's")
    # Text the JSON escapes: quotes, a backslash, a tab, Chinese and a character beyond the BMP.
    entry_adjust(household=a1, points=1, reason='他说"好"\\ 行\t🙂', by=alice)
    entries = list(Entry.objects.filter(household=a1).order_by("id"))
    assert chain_sql.breaks() == [] == list(selectors._walked_breaks())

    ids = {"second": entries[1].pk, "third": entries[2].pk, "last": entries[-1].pk}
    execute(tamper.format(**ids, first_hash=entries[0].hash, household=a1.pk))

    found = chain_sql.breaks()
    assert found and found == list(selectors._walked_breaks())
    # Reconcile's pass, which shares the window with the cached sums' check, finds the same.
    differences, breaks = selectors.ledger_and_chain()
    assert breaks == found
    assert differences == selectors.ledger_differences()

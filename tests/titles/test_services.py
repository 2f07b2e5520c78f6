"""The selection of titles: candidates and vetoes, the village's steps, town and county selection
within quotas, and who may do what."""

from datetime import timedelta

import pytest

from credits.services import entry_record, entry_reverse
from households.errors import NotYours
from tests.credits.ledger import last_year, today
from tests.factories import DomainFactory, RuleFactory, version_in_force_of
from tests.titles.conftest import after_notice
from titles.errors import (
    AlreadyNominated,
    AlreadyTitled,
    BadNoticeDate,
    NoQuota,
    NoticeNotOver,
    NotOfficer,
    QuotaFull,
    SelectionExists,
    WrongState,
    YearNotEnded,
)
from titles.models import Level, NamedStar, Nomination, Title
from titles.selectors import selection_candidates, titles_of
from titles.services import (
    selection_award,
    selection_confirm,
    selection_create,
    selection_publish,
    selection_update,
    title_nominate,
    title_select,
)
from years.services import year_close

pytestmark = pytest.mark.django_db


def numbers(rows):
    return [row.number for row in rows]


def test_it_starts_with_the_default_vetoes_of_the_villages_catalogue(village_a, year, alice, wedding):
    selection = selection_create(village=village_a, year=year, by=alice)

    assert list(selection.veto_rules.all()) == [wedding]


def test_a_household_with_a_veto_entry_is_no_candidate(village_a, year, alice):
    selection = selection_create(village=village_a, year=year, by=alice)

    assert numbers(selection_candidates(selection)) == ["0001", "0002"]


def test_a_reversed_veto_entry_does_not_count(village_a, year, alice, a3, wedding):
    entry_reverse(entry=a3.entries.get(rule=wedding), reason="记错了户", by=alice)
    selection = selection_create(village=village_a, year=year, by=alice)

    assert numbers(selection_candidates(selection)) == ["0003", "0001", "0002"]


def test_a_veto_in_another_year_does_not_count(village_a, year, alice, a2, wedding):
    entry_record(household=a2, rule=wedding, occurred_on=today(), by=alice)
    selection = selection_create(village=village_a, year=year, by=alice)

    assert "0002" in numbers(selection_candidates(selection))


def test_the_conditions_read_stars_and_points_in_a_domain(village_a, year, alice, award):
    selection = selection_create(village=village_a, year=year, by=alice, veto_rules=[])
    selection_update(selection=selection, by=alice, min_stars=None, minimums=[(award.domain, 6)], veto_rules=[])
    # a3's year is 24 points of awards less a 20-point deduction: 4 points, after a1's 6.
    assert numbers(selection_candidates(selection)) == ["0001", "0003"]

    from households.models import StarLevel

    StarLevel.objects.bulk_create(
        [StarLevel(village=village_a, stars=1, min_score=104), StarLevel(village=village_a, stars=2, min_score=106)]
    )
    selection = selection_update(selection=selection, by=alice, min_stars=2, minimums=[], veto_rules=[])
    assert [(row.number, row.stars) for row in selection_candidates(selection)] == [("0001", 2)]


def test_a_closed_year_reads_its_frozen_figures(village_a, year, alice, a1, award):
    year_close(village=village_a, year=year, by=alice)
    selection = selection_create(village=village_a, year=year, by=alice)

    (first, second) = selection_candidates(selection)
    assert (first.number, first.points, second.number, second.points) == ("0001", 6, "0002", 4)


def test_it_walks_the_village_steps_and_awards_each_title_once(village_a, year, alice, a1, a2):
    selection = selection_create(village=village_a, year=year, by=alice)
    selection_confirm(selection=selection, by=alice)
    with pytest.raises(WrongState):
        selection_confirm(selection=selection, by=alice)
    with pytest.raises(BadNoticeDate):
        selection_publish(selection=selection, by=alice, notice_until=today() - timedelta(days=1))
    selection_publish(selection=selection, by=alice, notice_until=today())
    with pytest.raises(NoticeNotOver):
        selection_award(selection=selection, by=alice)

    titles = selection_award(selection=selection, by=alice, at=after_notice())

    assert sorted(t.number for t in titles) == ["0001", "0002"]
    assert all(t.level == Level.VILLAGE and t.year == year for t in titles)
    with pytest.raises(WrongState):
        selection_award(selection=selection, by=alice, at=after_notice())
    assert Title.objects.count() == 2
    assert [t.level for t in titles_of(a1)] == [Level.VILLAGE]


def test_a_veto_recorded_during_the_notice_strikes_the_candidate(village_a, year, alice, a2, wedding):
    selection = selection_create(village=village_a, year=year, by=alice)
    selection_confirm(selection=selection, by=alice)
    selection_publish(selection=selection, by=alice, notice_until=today())
    assert "0002" in numbers(selection.candidates.all())

    # Reported during the notice: the wedding was last year, and the year is still open.
    entry_record(household=a2, rule=wedding, occurred_on=last_year(), by=alice)
    titles = selection_award(selection=selection, by=alice, at=after_notice())

    assert [t.number for t in titles] == ["0001"]
    assert selection.candidates.get(household=a2).vetoed


def test_a_selection_is_made_once_per_year_and_only_for_an_ended_year(village_a, year, alice):
    selection_create(village=village_a, year=year, by=alice)
    with pytest.raises(SelectionExists):
        selection_create(village=village_a, year=year, by=alice)
    with pytest.raises(YearNotEnded):
        selection_create(village=village_a, year=today().year, by=alice)


def test_nobody_runs_another_villages_selection(village_a, year, alice, bob, olivia, awarded):
    with pytest.raises(NotYours):
        selection_create(village=village_a, year=year - 1, by=bob)
    with pytest.raises(NotYours):
        selection_create(village=village_a, year=year - 1, by=olivia)
    with pytest.raises(NotYours):
        title_nominate(title=awarded[0], by=bob)


def test_the_town_selects_within_its_quota_from_the_villages_nominees(awarded, alice, olivia, bob, town_quota):
    first, second = (title_nominate(title=title, by=alice) for title in awarded)
    with pytest.raises(AlreadyNominated):
        title_nominate(title=awarded[0], by=alice)
    with pytest.raises(NotOfficer):
        title_select(nomination=first, by=alice)
    with pytest.raises(NotOfficer):
        title_select(nomination=first, by=bob)

    town_title = title_select(nomination=first, by=olivia)

    assert (town_title.level, town_title.household_id) == (Level.TOWN, awarded[0].household_id)
    with pytest.raises(QuotaFull):
        title_select(nomination=second, by=olivia)
    with pytest.raises(AlreadyTitled):
        title_select(nomination=first, by=olivia)


def test_the_town_needs_a_quota(awarded, alice, olivia, county):
    nomination = title_nominate(title=awarded[0], by=alice)

    with pytest.raises(NoQuota):
        title_select(nomination=nomination, by=olivia)


def test_the_county_selects_from_the_towns_titles(awarded, alice, olivia, connie, town_quota, county_quota):
    town_title = title_select(nomination=title_nominate(title=awarded[0], by=alice), by=olivia)
    with pytest.raises(NotYours):
        title_nominate(title=awarded[1], by=olivia)  # a village title is the village's to nominate
    with pytest.raises(NotOfficer):
        title_nominate(title=town_title, by=alice)
    to_county = title_nominate(title=town_title, by=olivia)
    assert to_county.to_level == Level.COUNTY
    with pytest.raises(NotOfficer):
        title_select(nomination=to_county, by=olivia)

    county_title = title_select(nomination=to_county, by=connie)

    assert county_title.level == Level.COUNTY
    household = awarded[0].household
    assert [t.level for t in titles_of(household)] == [Level.COUNTY, Level.TOWN, Level.VILLAGE]


def test_another_countys_officer_selects_nothing(awarded, alice, town_quota, county_quota, olivia):
    from tests.factories import CountyFactory, UserFactory

    stranger = UserFactory(username="stranger", role="officer")
    CountyFactory(name="平湖市").officers.add(stranger)
    nomination = title_nominate(title=awarded[0], by=alice)
    with pytest.raises(NotOfficer):
        title_select(nomination=nomination, by=stranger)
    town_title = title_select(nomination=nomination, by=olivia)
    with pytest.raises(NotOfficer):
        title_select(nomination=title_nominate(title=town_title, by=olivia), by=stranger)
    assert Nomination.objects.count() == 2


def nine_stars(village_a, award, wedding):
    version = version_in_force_of(village_a)
    filial = RuleFactory(village=village_a, name="孝老爱亲", points=3)
    stars = [
        NamedStar.objects.create(
            village=village_a, name="公益星", position=1, condition="domain_points", domain=award.domain, n=6
        ),
        NamedStar.objects.create(village=village_a, name="孝老星", position=2, condition="rule_uses", n=1),
        NamedStar.objects.create(village=village_a, name="移风易俗星", position=3, condition="no_entry"),
    ]
    stars[1].rules.set([filial])
    stars[2].rules.set([wedding])
    assert version == filial.version
    return filial


def test_the_named_stars_read_the_years_entries(village_a, year, alice, award, wedding, a1, a2):
    filial = nine_stars(village_a, award, wedding)
    entry_record(household=a2, rule=filial, occurred_on=last_year(), by=alice)
    reversed_use = entry_record(household=a1, rule=filial, occurred_on=last_year(), by=alice)
    entry_reverse(entry=reversed_use, reason="不是本户", by=alice)
    selection = selection_create(village=village_a, year=year, by=alice)

    named = {row.number: row.named_stars for row in selection_candidates(selection)}

    assert named == {"0001": ["公益星", "移风易俗星"], "0002": ["孝老星", "移风易俗星"]}


def test_the_title_keeps_the_named_stars_it_was_earned_with(village_a, year, alice, award, wedding, a2):
    filial = nine_stars(village_a, award, wedding)
    entry_record(household=a2, rule=filial, occurred_on=last_year(), by=alice)
    selection = selection_create(village=village_a, year=year, by=alice)
    selection_confirm(selection=selection, by=alice)
    selection_publish(selection=selection, by=alice, notice_until=today())
    titles = selection_award(selection=selection, by=alice, at=after_notice())
    NamedStar.objects.filter(village=village_a).delete()

    assert Title.objects.get(pk=next(t for t in titles if t.number == "0002").pk).named_stars == [
        "孝老星",
        "移风易俗星",
    ]


def test_a_domain_of_another_village_is_refused_as_a_condition(village_a, village_b, year, alice):
    from titles.errors import BadCondition

    other = DomainFactory(version=version_in_force_of(village_b))
    selection = selection_create(village=village_a, year=year, by=alice)
    with pytest.raises(BadCondition):
        selection_update(selection=selection, by=alice, min_stars=None, minimums=[(other, 1)], veto_rules=[])

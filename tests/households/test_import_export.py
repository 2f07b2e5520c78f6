"""The roster import and the households' export, through the admin as a clerk uses them."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from credits.models import Entry, RosterImport
from credits.services.rosters import roster_import_check
from households.models import Household
from tests.credits.ledger import reconcile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:households_household_import")
PROCESS = reverse("admin:households_household_process_import")
EXPORT = reverse("admin:households_household_export")
FORMATS = {"csv": 0, "xlsx": 1}
ROSTER = [
    ["户号", "户主", "村民小组", "住址", "电话"],
    ["0101", "张志强", "第一组", "农丰路1号", "13900001111"],
    ["0102", "陈丽华", "第二组", "农丰路2号", "0573-86012345"],
    ["0103", "曾国平", "第二组", "", ""],
]


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def preview(client, rows, kind="xlsx", **headers):
    """Upload a sheet; the page of its import job once the worker has checked it (at once in tests)."""
    content = xlsx(rows) if kind == "xlsx" else csv_bytes(rows)
    upload = SimpleUploadedFile(f"roster.{kind}", content)
    return client.post(IMPORT, {"import_file": upload, "format": FORMATS[kind], "resource": 0}, follow=True, **headers)


def confirm(client, response):
    job = response.context["job"]
    return client.post(reverse("admin:households_household_import_confirm", args=[job.pk]), follow=True)


def import_sheet(client, rows, kind="xlsx"):
    response = preview(client, rows, kind)
    assert response.status_code == 200
    assert response.context["job"].state == "checked", response.context["job"].problems
    return confirm(client, response)


def invalid_lines(response) -> dict[int, list[str]]:
    """{line in the sheet: reasons} of the rows the check refused."""
    return {line: reasons for line, reasons in response.context["job"].problems if line is not None}


def sheet_problems(response) -> list[str]:
    """The reasons the whole sheet was refused."""
    return [reason for line, reasons in response.context["job"].problems if line is None for reason in reasons]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_it_imports_a_sheet_with_chinese_headings_and_opens_each_household_with_its_entry(
    client, alice, village_a, kind
):
    client.force_login(alice)

    response = import_sheet(client, ROSTER, kind)

    assert (response.context["job"].state, response.context["job"].new) == ("done", 3)
    households = {h.number: h for h in Household.objects.filter(village=village_a)}
    assert set(households) == {"0101", "0102", "0103"}
    assert households["0102"].head_name == "陈丽华"
    assert households["0102"].phone == "0573-86012345"
    assert households["0103"].head_initials == "zgp"
    for household in households.values():
        assert household.score == household.balance == 100
        (opening,) = Entry.objects.filter(household=household)
        assert (opening.kind, opening.points, opening.recorded_by) == ("opening", 100, alice)
    reconcile()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_it_passes_over_a_title_and_a_blank_row_above_the_headings(client, alice, village_a, kind):
    client.force_login(alice)
    sheet = [["农丰村农户花名册（2026年）", None, None, None, None], [None] * 5, *ROSTER]

    response = import_sheet(client, sheet, kind)

    assert response.context["job"].state == "done"
    assert sorted(Household.objects.filter(village=village_a).values_list("number", flat=True)) == [
        "0101",
        "0102",
        "0103",
    ]
    assert Entry.objects.filter(kind="opening", household__village=village_a).count() == 3


def test_it_names_the_sheets_own_line_below_a_title(client, alice, village_a):
    client.force_login(alice)
    sheet = [["农丰村农户花名册", None, None, None, None], *ROSTER, ["0104", "", "第三组", "", ""]]

    response = preview(client, sheet)

    # The title is line 1, the headings line 2, the bad row line 6.
    assert list(invalid_lines(response)) == [6]
    assert not Household.objects.exists()


def test_it_shows_a_preview_and_saves_nothing_before_the_clerk_confirms(client, alice, village_a):
    client.force_login(alice)

    response = preview(client, ROSTER)

    job = response.context["job"]
    assert (job.state, job.new, job.updated) == ("checked", 3, 0)
    assert "3 households will be opened" in response.content.decode()
    assert not Household.objects.filter(village=village_a).exists()


def test_it_takes_the_village_code_and_the_opening_score_from_their_columns(client, alice, village_a):
    elsewhere = village_a.town.villages.create(code="dongfeng", name="东风村")
    elsewhere.clerks.add(alice)
    client.force_login(alice)

    import_sheet(
        client,
        [["村代码", "户号", "户主", "初始积分"], ["dongfeng", "7", "王海军", 120], ["nongfeng", "7", "李春梅", ""]],
    )

    assert Household.objects.get(village=elsewhere, number="7").score == 120
    assert Household.objects.get(village=village_a, number="7").score == 100


def test_it_updates_a_known_household_without_touching_its_ledger(client, alice, a1, award):
    from django.utils import timezone

    from credits.services import entry_record

    entry_record(household=a1, rule=award, occurred_on=timezone.localdate(), by=alice)
    client.force_login(alice)

    import_sheet(
        client, [["户号", "户主", "村民小组", "电话", "初始积分"], ["0001", "应美凤", "第五组", "13700001111", 500]]
    )

    a1.refresh_from_db()
    assert (a1.group, a1.phone, a1.score, a1.balance) == ("第五组", "13700001111", 102, 102)
    assert a1.entries.count() == 2
    reconcile()


def test_it_updates_a_known_household_whose_number_the_sheet_writes_without_zeros(client, alice, a1):
    client.force_login(alice)

    import_sheet(client, [["户号", "户主", "村民小组"], ["1", "应美凤", "第五组"]])

    a1.refresh_from_db()
    assert a1.group == "第五组"
    assert Household.objects.filter(village=a1.village).count() == 1


def test_it_imports_nothing_when_one_row_is_bad_and_names_every_bad_row(client, alice, bob, village_a, village_b):
    client.force_login(alice)
    rows = [
        ["村代码", "户号", "户主", "电话"],
        ["nongfeng", "0201", "张志强", "13900001111"],
        ["nongfeng", "0202", "", ""],  # line 3: no name
        ["nongfeng", "0201", "陈丽华", ""],  # line 4: the number again
        ["nowhere", "0203", "王海军", ""],  # line 5: no such village
        ["nongfeng", "0204", "李春梅", "12345"],  # line 6: not a phone number
        ["yongfeng", "0205", "赵建国", ""],  # line 7: Bob's village
    ]

    response = preview(client, rows)

    assert response.context["job"].state == "refused"
    lines = invalid_lines(response)
    assert sorted(lines) == [3, 4, 5, 6, 7]
    assert lines[3] == ["The head of household's name is missing."]
    assert "appears twice" in lines[4][0] and "line 2" in lines[4][0]
    assert "Unknown village code" in lines[5][0]
    assert "12345" in lines[6][0]
    assert lines[7] == ["Village 永丰村 is not in your care."]
    assert not Household.objects.exists()
    assert not Entry.objects.exists()


def test_it_gives_the_reasons_in_chinese(client, alice, village_a):
    client.force_login(alice)

    response = client.post(
        IMPORT,
        {"import_file": SimpleUploadedFile("r.csv", csv_bytes([["户号", "户主", "电话"], ["0301", "", "123"]])),
         "format": 0, "resource": 0},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )  # fmt: skip

    text = response.content.decode()
    assert "缺少户主姓名" in text
    assert "电话号码" in text
    assert "什么也没有导入" in text


def test_it_refuses_a_sheet_without_the_columns_it_needs(client, alice, village_a):
    client.force_login(alice)

    response = preview(client, [["户号", "地址"], ["0401", "x"]])

    assert response.context["job"].state == "refused"
    assert "户主" in " ".join(sheet_problems(response))
    assert not Household.objects.exists()


def test_it_undoes_the_whole_import_when_a_row_went_wrong_after_the_preview(client, alice, village_a):
    elsewhere = village_a.town.villages.create(code="dongfeng", name="东风村")
    elsewhere.clerks.add(alice)
    client.force_login(alice)
    response = preview(client, [["村代码", "户号", "户主"], ["nongfeng", "1", "张三"], ["dongfeng", "1", "李四"]])
    elsewhere.clerks.remove(alice)  # meanwhile, the superuser hands 东风村 to another clerk

    response = confirm(client, response)

    assert response.status_code == 200
    assert invalid_lines(response) == {3: ["Village 东风村 is not in your care."]}
    assert not Household.objects.exists()
    assert not Entry.objects.exists()


def test_it_lets_no_one_import_into_a_village_not_in_their_care(client, alice, bob, olivia, mallory, village_a):
    client.force_login(bob)
    lines = invalid_lines(preview(client, [["村代码", "户号", "户主"], ["nongfeng", "1", "张三"]]))
    assert lines == {2: ["Village 农丰村 is not in your care."]}

    for user in (olivia, mallory):
        client.force_login(user)
        assert client.get(IMPORT).status_code == 403
        assert preview(client, ROSTER).status_code == 403
    assert not Household.objects.exists()


def test_it_asks_a_clerk_of_several_villages_for_the_village_column(client, alice, village_a):
    village_a.town.villages.create(code="dongfeng", name="东风村").clerks.add(alice)
    client.force_login(alice)

    response = preview(client, ROSTER)

    assert "村代码" in sheet_problems(response)[0]
    assert not Household.objects.exists()


def test_it_shows_an_import_job_only_to_the_clerk_who_started_it(client, alice, bob, village_a):
    client.force_login(alice)
    job = preview(client, ROSTER).context["job"]

    client.force_login(bob)

    for name in ("import_job", "import_progress"):
        assert client.get(reverse(f"admin:households_household_{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("admin:households_household_import_confirm", args=[job.pk])).status_code == 404
    assert not Household.objects.exists()


def test_it_shows_the_progress_while_the_worker_checks_the_sheet(client, alice, village_a, monkeypatch):
    # The worker has not taken the task yet.
    monkeypatch.setattr("credits.services.rosters.roster_check", SimpleNamespace(enqueue=lambda job_id: None))
    client.force_login(alice)

    page = preview(client, ROSTER)
    job = page.context["job"]
    progress = reverse("admin:households_household_import_progress", args=[job.pk])

    assert 'id="roster-progress"' in page.content.decode() and progress in page.content.decode()
    assert client.get(progress).json()["state"] == "checking"
    roster_import_check(job=RosterImport.objects.get(pk=job.pk))
    assert {key: value for key, value in client.get(progress).json().items() if key != "label"} == {
        "state": "checked", "done": 3, "total": 3
    }
    assert "3 households will be opened" in client.get(page.redirect_chain[-1][0]).content.decode()
    assert not Household.objects.exists()


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_it_offers_a_template_sheet_with_the_expected_headings(client, alice, extension):
    client.force_login(alice)

    response = client.get(reverse("admin:households_household_import_template", args=[extension]))

    assert response.status_code == 200
    if extension == "xlsx":
        headings = [cell.value for cell in next(load_workbook(io.BytesIO(response.content)).active.iter_rows())]
    else:
        headings = response.content.decode("utf-8-sig").strip().split(",")
    assert headings == ["村代码", "户号", "户主", "村民小组", "住址", "电话", "初始积分"]


def test_it_links_the_template_from_the_import_page(client, alice):
    client.force_login(alice)

    page = client.get(IMPORT).content.decode()

    assert reverse("admin:households_household_import_template", args=["xlsx"]) in page


# --- export --------------------------------------------------------------------------------------


def export(client, kind="csv", **filters):
    url = EXPORT + ("?" + "&".join(f"{k}={v}" for k, v in filters.items()) if filters else "")
    response = client.post(url, {"format": FORMATS[kind], "resource": 0, **ALL_FIELDS})
    assert response.status_code == 200, response.content[:500]
    if kind == "xlsx":
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        return [[("" if v is None else str(v)) for v in row] for row in rows]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


FIELDS = ["village", "village_name", "number", "head_name", "group", "address", "phone", "active", "score",
          "balance", "stars"]  # fmt: skip
ALL_FIELDS = {f"householdexportresource_{name}": "on" for name in FIELDS}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_it_exports_the_clerks_households_with_score_balance_and_stars(client, alice, a1, a2, b1, kind):
    client.force_login(alice)

    rows = export(client, kind)

    assert rows[0][:3] == ["village code", "village", "household number"]
    assert rows[0][-3:] == ["score", "balance", "stars"]
    by_number = {row[2]: row for row in rows[1:]}
    assert set(by_number) == {"0001", "0002"}
    assert by_number["0001"][3] == "应美凤"
    assert by_number["0001"][-3:] == ["100", "100", "0"]


def test_it_shows_phones_in_full_to_a_clerk_and_masked_to_the_officer(client, alice, olivia, a1):
    client.force_login(alice)
    assert export(client)[1][6] == "13812341234"

    client.force_login(olivia)
    assert export(client)[1][6] == "138****1234"


def test_it_masks_phones_for_a_clerk_without_the_permission(client, village_a, a1):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(username="carol", role="clerk")
    village_a.clerks.add(clerk)
    clerk.groups.first().permissions.remove(Permission.objects.get(codename="view_full_phone"))
    client.force_login(clerk)

    assert export(client)[1][6] == "138****1234"


def test_it_exports_only_what_the_filters_and_scope_leave(client, olivia, mallory, a1, a2, b1):
    client.force_login(olivia)
    assert {row[2] + row[1] for row in export(client)[1:]} == {"0001农丰村", "0002农丰村", "0001永丰村"}
    assert [row[1] for row in export(client, village__id__exact=b1.village_id)[1:]] == ["永丰村"]

    client.force_login(mallory)
    assert client.post(EXPORT, {"format": 0, "resource": 0}).status_code == 403


def test_it_never_exports_another_villages_household_to_a_clerk(client, bob, a1, b1):
    client.force_login(bob)

    assert [row[3] for row in export(client)[1:]] == ["李秀英"]
    assert "应美凤" not in {row[3] for row in export(client, village__id__exact=a1.village_id)[1:]}


def test_it_offers_the_template_only_to_those_who_may_import(client, olivia, mallory, sam):
    for user in (olivia, mallory, sam):
        client.force_login(user)
        assert client.get(reverse("admin:households_household_import_template", args=["xlsx"])).status_code == 403

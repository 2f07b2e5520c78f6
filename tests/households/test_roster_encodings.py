"""Roster sheets as Excel on Chinese Windows saves them: GBK, GB18030, UTF-16 (tabs), UTF-8 with a BOM.

Each is read without asking the clerk for its encoding; a row with a stray comma is named with
its line, in Chinese, instead of refusing the sheet with "InvalidDimensions".
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.models import Household

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:households_household_import")
ROWS = [["户号", "户主", "村民小组", "住址", "电话"], ["0101", "张志强", "第一组", "农丰路1号", "13900001111"],
        ["0102", "陈丽华", "第二组", "", "0573-86012345"]]  # fmt: skip


def upload(client, content: bytes, **headers):
    sheet = SimpleUploadedFile("roster.csv", content)
    return client.post(IMPORT, {"import_file": sheet, "format": 0, "resource": 0}, follow=True, **headers)


def text(rows, delimiter=",") -> str:
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


@pytest.mark.parametrize(
    "encoding, delimiter",
    [("gbk", ","), ("gb18030", ","), ("utf-16", "\t"), ("utf-16-le", "\t"), ("utf-8-sig", ","), ("utf-8", ",")],
)
def test_it_reads_the_encodings_chinese_excel_writes(client, alice, village_a, encoding, delimiter):
    client.force_login(alice)

    response = upload(client, text(ROWS, delimiter).encode(encoding))

    job = response.context["job"]
    assert (job.state, job.new) == ("checked", 2), job.problems


def test_it_names_the_line_of_a_stray_comma_in_chinese(client, alice, village_a):
    client.force_login(alice)
    rows = [*ROWS, ["0103", "曾国平", "第二组", "农丰路", "3号", "13900002222"]]

    response = upload(client, text(rows).encode("gbk"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    lines = {line: " ".join(reasons) for line, reasons in response.context["job"].problems}
    assert list(lines) == [4]
    assert "逗号" in lines[4] and "13900002222" in lines[4]
    assert not Household.objects.exists()


def test_it_says_in_chinese_when_the_characters_cannot_be_read(client, alice, village_a):
    client.force_login(alice)

    response = upload(client, b"\x81\x30\xff\xfe\x00\x81" * 50, HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert "UnicodeDecodeError" not in page and "encountered" not in page
    assert "CSV UTF-8" in page

"""The UI speaks Simplified Chinese: the committed catalogue is complete and compiled, pages and
refusals come out in Chinese when a browser asks for it, and English is one click away.

The suite itself runs in English (`config/test_settings.py`), so every test here asks for Chinese
explicitly, as a villager's browser does.
"""

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from credits.errors import BatchRefused, RuleCapReached
from credits.services import entry_record
from exchange.models import Product, Shop
from exchange.services import product_restock
from households.errors import HouseholdClosed

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-+ #0-9.]*[sdf]")
# What makemessages is told to skip (the README's command): only our own code is ours to translate.
MAKEMESSAGES_IGNORE = [".venv", "staticfiles", "bench", "tests"]


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file (header excluded), each with msgid, msgid_plural, msgstrs and flags.

    A small reader for the plain layout `makemessages` writes; polib is not a dependency.
    """
    entries, current, field = [], None, None

    def finish():
        if current is not None and current.get("msgid"):
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):  # obsolete entries are not in the catalogue
            continue
        if not line:
            finish()
            current, field = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgid_plural": None, "msgstr": {}, "flags": set(), "msgctxt": None}
        if line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field[0] == "msgstr":
                current["msgstr"][field[1]] += value
            else:
                current[field[0]] += value
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            if match:
                field = ("msgstr", int(match.group(1) or 0))
                current["msgstr"][field[1]] = value
            else:
                field = (keyword, None)
                current[keyword] = value
    finish()
    return entries


@pytest.fixture(autouse=True)
def keep_the_suite_in_its_language():
    """A request in Chinese leaves Chinese active in this thread (LocaleMiddleware never switches
    back); restore the suite's language so that later tests read their messages in English."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture(scope="module")
def po_entries():
    assert PO.exists(), f"{PO} is missing: run `manage.py makemessages -l zh_Hans`"
    return read_po(PO)


# --- (a) the catalogue -------------------------------------------------------------------------------


def test_every_message_is_translated_and_none_is_fuzzy(po_entries):
    assert len(po_entries) > 200
    untranslated = [e["msgid"] for e in po_entries if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    # Chinese has one plural form: one msgstr[0] per plural entry, nothing more.
    assert all(list(e["msgstr"]) == [0] for e in po_entries)


def test_header_declares_utf8_and_one_plural_form():
    header = PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in header
    assert '"Language: zh_Hans\\n"' in header
    assert "charset=UTF-8" in header
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header


def test_translations_keep_their_placeholders(po_entries):
    """Each placeholder of the English, and no other; one Chinese form serves every count, so a
    plural entry's translation takes the placeholders of the English plural."""
    wrong = [
        (e["msgid"], text)
        for e in po_entries
        for text in e["msgstr"].values()
        if text and set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(e["msgid_plural"] or e["msgid"]))
    ]
    assert wrong == []


def test_compiled_catalogue_matches_the_po(po_entries):
    """The committed .mo holds exactly the .po's translations: compiling again would change nothing."""
    assert MO.exists(), f"{MO} is missing: run `manage.py compilemessages`"
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    compiled = {key for key in catalogue._catalog if key != ""}
    # Plural entries are stored as (msgid, index) keys, the others by their msgid.
    assert len(compiled) == len(po_entries)
    for entry in po_entries:
        context, msgid, plural = entry["msgctxt"], entry["msgid"], entry["msgid_plural"]
        for count in (1, 5):
            if plural is not None and context is not None:
                compiled_text = catalogue.npgettext(context, msgid, plural, count)
            elif plural is not None:
                compiled_text = catalogue.ngettext(msgid, plural, count)
            elif context is not None:
                compiled_text = catalogue.pgettext(context, msgid)
            else:
                compiled_text = catalogue.gettext(msgid)
            assert compiled_text == entry["msgstr"][0], (context, msgid)


def test_key_words_translate_as_the_design_says():
    with translation.override("zh-hans"):
        words = {
            "household number": "户号",
            "head of household": "户主",
            "balance": "可兑换积分",
            "score": "积分",
            "reversal": "冲正",
            "Exchange shop": "兑换超市",
            "rule": "积分项目",
            "Stocktake": "盘点",
        }
        assert {english: translation.gettext(english) for english in words} == words


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are not installed")
def test_catalogue_holds_every_string_marked_in_the_code(tmp_path, monkeypatch, po_entries):
    """A string marked for translation after the last `makemessages` would show up in English.

    `makemessages` writes into any locale folder beside the code it reads, so it runs on a tree of
    links to the project's code with a locale folder of its own, and the committed one stays as is.
    """
    tree = tmp_path / "project"
    tree.mkdir()
    for item in Path(settings.BASE_DIR).iterdir():
        if item.name not in {"locale", ".git", *MAKEMESSAGES_IGNORE}:
            (tree / item.name).symlink_to(item)
    (tree / "locale").mkdir()
    monkeypatch.chdir(tree)
    with override_settings(LOCALE_PATHS=[tree / "locale"]):
        call_command(
            "makemessages", locale=["zh_Hans"], ignore_patterns=MAKEMESSAGES_IGNORE, symlinks=True, verbosity=0
        )
    assert not (Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.pot").exists()
    fresh = {(e["msgctxt"], e["msgid"]) for e in read_po(tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")}
    committed = {(e["msgctxt"], e["msgid"]) for e in po_entries}
    missing = sorted(msgid for _context, msgid in fresh - committed)
    assert missing == [], "run `manage.py makemessages -l zh_Hans`, translate, and `compilemessages`"


# --- (b) pages in Chinese ------------------------------------------------------------------------------


@pytest.fixture
def shop(village_a, alice, sam):
    shop = Shop.objects.create(village=village_a, name="农丰兑换超市")
    shop.shopkeepers.add(sam)
    product = Product.objects.create(shop=shop, name="洗衣液", unit="瓶", price=30)
    product_restock(product=product, quantity=10, by=alice)
    return shop


def test_households_list_speaks_chinese_to_a_clerk(client, alice, a1):
    client.force_login(alice)
    response = client.get(reverse("admin:households_household_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    for word in ["户号", "户主", "可兑换积分", "积分明细", "村民小组/网格", "为所选家庭户批量记分"]:
        assert word in page
    for english in ["household number", "head of household", "Statement"]:
        assert english not in page


def test_statement_speaks_chinese(client, alice, a1):
    client.force_login(alice)
    response = client.get(
        reverse("admin:households_household_statement", args=[a1.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    page = response.content.decode()
    for word in ["的积分明细", "开户基础分", "变动后可兑换积分", "记分", "调整积分"]:
        assert word in page


def test_counter_speaks_chinese_to_a_shopkeeper(client, sam, shop, a1):
    client.force_login(sam)
    # A browser in China sends zh-CN, which Django falls back to zh-hans.
    response = client.get(reverse("counter:household", args=[shop.pk, a1.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    for word in ["可兑换积分", "确认兑换", "库存", "换一户", "退出登录"]:
        assert word in page
    for english in ["Balance to spend", "Confirm redemption", "In stock"]:
        assert english not in page

    response = client.get(reverse("counter:shop", args=[shop.pk]), {"q": "zzz"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "没有与“zzz”匹配的家庭户。" in response.content.decode()


def test_the_language_button_switches_to_english_and_back(client, sam, shop, a1):
    client.force_login(sam)
    url = reverse("counter:household", args=[shop.pk, a1.pk])
    response = client.post(reverse("set_language"), {"language": "en", "next": url}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302 and response.url == url
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Balance to spend" in page and "可兑换积分" not in page
    assert 'name="language" value="zh-hans"' in page  # the button now offers 中文

    client.post(reverse("set_language"), {"language": "zh-hans", "next": url})
    assert "可兑换积分" in client.get(url).content.decode()


# --- (c) refusals in Chinese --------------------------------------------------------------------------


def test_domain_errors_speak_chinese():
    with translation.override("zh-hans"):
        error = RuleCapReached(number="0001", rule="垃圾分类", cap=12, year=2026)
        assert error.message == "户号 0001 在 2026 年已记录“垃圾分类” 12 次，已达每户每年上限。"
        assert HouseholdClosed(number="0002").message == "户号 0002 已销户，不能再记分或兑换。"
        assert BatchRefused([(object(), "x")] * 3).message == "未记录任何积分：有 3 户不符合条件。"
    # The message is fixed in the language active where the error is raised.
    with translation.override("en"):
        assert "the most allowed" in RuleCapReached(number="0001", rule="垃圾分类", cap=12, year=2026).message


def test_a_refusal_from_a_service_is_chinese(alice, a1, capped_award):
    on = timezone.localdate()
    entry_record(household=a1, rule=capped_award, occurred_on=on, by=alice)
    entry_record(household=a1, rule=capped_award, occurred_on=on, by=alice)
    with translation.override("zh-hans"), pytest.raises(RuleCapReached) as refused:
        entry_record(household=a1, rule=capped_award, occurred_on=on, by=alice)
    assert refused.value.message == f"户号 0001 在 {on.year} 年已记录“测试限次奖励” 2 次，已达每户每年上限。"

"""`manage.py backup` and `manage.py restore`: a backup taken while the site writes comes back whole."""

import io
import json
import tarfile
import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation

from credits.models import Entry
from credits.services import entry_record
from exchange.models import Redemption
from households.models import Household
from tests.exchange.conftest import redeem, restock
from tests.factories import ProductFactory

HOUSEHOLDS = "SELECT id, village_id, number, head_name, score, balance FROM households_household"
ENTRIES = "SELECT id, household_id, kind, points, score_after, balance_after FROM credits_entry"
REDEMPTIONS = "SELECT id, household_id, total FROM exchange_redemption"


def source_rows(sql: str) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {tuple(row) for row in cursor.fetchall()}


def backup(to, **options) -> str:
    out = io.StringIO()
    call_command("backup", to=to, stdout=out, **options)
    return out.getvalue()


def only_archive(folder):
    (archive,) = folder.glob("xiangfeng-*.tar.gz")
    return archive


def rewrite(archive, change):
    """The archive with `change(name, data) -> data` applied to each member, written back in place."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers() if m.isfile()]
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members:
            data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    default_storage.save("minutes/2026-03.pdf", ContentFile("村民代表会议记录".encode()))
    default_storage.save("claims/a1/photo.jpg", ContentFile(b"\xff\xd8\xff" + bytes(range(256)) * 40))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_restores_a_backup_taken_during_writes_whole(
    a1, a2, b1, alice, bob, award, award_b, shop_a, media, tmp_path, elsewhere
):
    soap = ProductFactory(shop=shop_a, name="肥皂", unit="块", price=1)
    restock(soap, 1000)
    before = {"households": source_rows(HOUSEHOLDS), "entries": source_rows(ENTRIES)}
    stop, written = threading.Event(), []

    def write(call):
        try:
            while not stop.is_set():
                written.append(call())
        finally:
            connection.close()

    today = timezone.localdate()
    calls = [
        lambda: entry_record(household=a2, rule=award, occurred_on=today, by=alice),
        lambda: entry_record(household=b1, rule=award_b, occurred_on=today, by=bob),
        lambda: redeem(shop_a, Household.objects.get(pk=a1.pk), (soap, 1)),
    ]
    writers = [threading.Thread(target=write, args=(call,)) for call in calls]
    for writer in writers:
        writer.start()
    while len(written) < 10:
        time.sleep(0.01)
    during = len(written)
    status = backup(tmp_path / "backups")
    stop.set()
    for writer in writers:
        writer.join(timeout=60)
    after = {
        "households": source_rows(HOUSEHOLDS),
        "entries": source_rows(ENTRIES),
        "redemptions": source_rows(REDEMPTIONS),
    }
    assert len(written) > during, "the writers wrote nothing while the backup ran"

    restored = elsewhere.manage("restore", str(only_archive(tmp_path / "backups")))

    assert restored.returncode == 0, restored.stderr
    assert "Backup written to" in status and len(status.splitlines()) == 1
    lines = restored.stdout.splitlines()
    assert lines[-1].startswith("All 3 households and 1 products agree with their books.")
    # Whatever was written before the backup is there; whatever is there was really written, as
    # it was; and the households' cached figures are the ones of the same moment (reconcile).
    households = set(elsewhere.rows(HOUSEHOLDS))
    entries = set(elsewhere.rows(ENTRIES))
    redemptions = set(elsewhere.rows(REDEMPTIONS))
    assert {row[:4] for row in households} == {row[:4] for row in after["households"]}
    assert before["entries"] <= entries <= after["entries"]
    assert redemptions <= after["redemptions"]
    assert len(entries) > len(before["entries"])
    assert (elsewhere.media / "minutes/2026-03.pdf").read_bytes() == "村民代表会议记录".encode()
    with default_storage.open("claims/a1/photo.jpg") as original:
        assert (elsewhere.media / "claims/a1/photo.jpg").read_bytes() == original.read()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_writes_one_archive_with_a_manifest_of_counts_and_checksums(a1, a2, media, tmp_path):
    status = backup(tmp_path)

    archive = only_archive(tmp_path)
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert status.splitlines() == [
        f"Backup written to {archive} ({filesizeformat(archive.stat().st_size)}): 2 households, 2 entries, "
        "0 redemptions, 2 files; 0 older archives removed."
    ]
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["rows"][Household._meta.db_table] == 2
    assert manifest["rows"][Entry._meta.db_table] == 2
    assert manifest["rows"][Redemption._meta.db_table] == 0
    assert manifest["app"]["version"]
    assert [f["name"] for f in manifest["files"]] == ["claims/a1/photo.jpg", "minutes/2026-03.pdf"]
    assert all(len(f["sha256"]) == 64 for f in [*manifest["files"], manifest["database"]])
    assert names == {
        "manifest.json",
        manifest["database"]["member"],
        "media/claims/a1/photo.jpg",
        "media/minutes/2026-03.pdf",
    }


@pytest.mark.django_db
def test_it_keeps_only_the_newest_archives(a1, tmp_path):
    for _ in range(4):
        status = backup(tmp_path, keep=3)

    assert len(list(tmp_path.glob("xiangfeng-*.tar.gz"))) == 3
    assert "1 older archives removed" in status


@pytest.mark.django_db
def test_it_refuses_to_keep_no_archive(tmp_path):
    with pytest.raises(CommandError, match="--keep must be at least 1"):
        backup(tmp_path, keep=0)
    assert not list(tmp_path.iterdir())


@pytest.mark.django_db
def test_it_refuses_to_restore_into_a_database_that_has_tables(a1, tmp_path):
    backup(tmp_path)

    with pytest.raises(CommandError, match=r"is not empty \(it has \d+ tables\)"):
        call_command("restore", only_archive(tmp_path), stdout=io.StringIO())


@pytest.mark.django_db
def test_it_refuses_a_damaged_archive_and_restores_nothing(a1, media, tmp_path, elsewhere):
    backup(tmp_path)
    archive = only_archive(tmp_path)
    rewrite(archive, lambda name, data: data[:-1] + b"!" if name == "media/minutes/2026-03.pdf" else data)

    refused = elsewhere.manage("restore", str(archive))

    assert refused.returncode == 1
    assert "The archive is damaged: media/minutes/2026-03.pdf does not match the checksum" in refused.stderr
    assert elsewhere.tables() == 0
    assert not elsewhere.media.exists()


@pytest.mark.django_db
def test_it_refuses_a_backup_of_the_other_kind_of_database(a1, tmp_path, elsewhere):
    backup(tmp_path)
    archive = only_archive(tmp_path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def relabel(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    rewrite(archive, relabel)

    refused = elsewhere.manage("restore", str(archive))
    assert refused.returncode == 1
    assert f"This is a backup of a {other} database and cannot be restored into {connection.vendor}" in refused.stderr


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path):
    stray = tmp_path / "notes.tar.gz"
    stray.write_text("not an archive")

    with pytest.raises(CommandError, match="is not a Xiangfeng backup archive"):
        call_command("restore", stray, stdout=io.StringIO())


def test_it_speaks_chinese_to_a_chinese_operator(tmp_path):
    stray = tmp_path / "notes.tar.gz"
    stray.write_text("not an archive")

    with translation.override("zh-hans"), pytest.raises(CommandError, match="不是乡风积分的备份"):
        call_command("restore", stray, stdout=io.StringIO())

"""Backups: one archive file holds the database, the uploaded files and a manifest.

The manifest says when and from which release the backup was made, how many rows each table had
in the snapshot and the SHA-256 of every member, so a restore can prove the archive whole before
it changes anything, and prove the restored database whole after.
"""

import hashlib
import io
import json
import subprocess
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection

from backups import databases
from backups.errors import BackupDamaged, FileInTheWay, NotABackup, RestoredCountsDiffer, WrongDatabase
from credits.models import Entry
from exchange.models import Redemption
from households.models import Household

FORMAT = 1
PREFIX = "xiangfeng-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
MEDIA = "media/"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict
    removed: list[Path]


def backup_create(*, to: Path, keep: int, storage: Storage = default_storage) -> Backup:
    """Write a new archive into the folder `to`, then keep only the newest `keep` archives there."""
    to.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    path = to / f"{PREFIX}{created:%Y%m%d-%H%M%S-%f}{SUFFIX}"
    member = DATABASE_MEMBER[connection.vendor]
    with tempfile.TemporaryDirectory(dir=to) as work:
        dump = Path(work) / member
        rows = databases.snapshot(connection, into=dump)
        files = [{"name": name, **_digest(storage.open(name))} for name in _stored_files(storage)]
        manifest = {
            "format": FORMAT,
            "created_at": created.isoformat(),
            "app": _release(),
            "database": {"vendor": connection.vendor, "member": member, **_digest(dump.open("rb"))},
            "rows": rows,
            "files": files,
        }
        # Written beside its final name and renamed once whole: a half-written archive never
        # takes the place of a good one, nor counts toward the ones kept.
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(body), int(created.timestamp())
            archive.addfile(info, io.BytesIO(body))
            archive.add(dump, arcname=member)
            for entry in files:
                with storage.open(entry["name"]) as stored:
                    info = tarfile.TarInfo(MEDIA + entry["name"])
                    info.size, info.mtime = entry["bytes"], int(created.timestamp())
                    archive.addfile(info, stored)
        partial.replace(path)
    return Backup(path=path, manifest=manifest, removed=_prune(to, keep=keep))


def backup_restore(*, archive: Path, storage: Storage = default_storage) -> dict:
    """Restore an archive into an empty database and storage; return its manifest.

    Everything is checked first (the archive's checksums, the database's vendor and emptiness,
    files already in storage), so a refusal changes nothing.
    """
    with tempfile.TemporaryDirectory() as work:
        manifest = _unpack(archive, Path(work))
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise WrongDatabase(archive=vendor, target=connection.vendor)
        files = manifest["files"]
        for entry in files:
            if storage.exists(entry["name"]) and _digest(storage.open(entry["name"]))["sha256"] != entry["sha256"]:
                raise FileInTheWay(name=entry["name"])
        databases.restore(connection, source=Path(work) / manifest["database"]["member"])
        restored = databases.row_counts(connection)
        for table, counted in manifest["rows"].items():
            if restored.get(table) != counted:
                raise RestoredCountsDiffer(table=table, restored=restored.get(table, 0), counted=counted)
        for entry in files:
            if not storage.exists(entry["name"]):
                with (Path(work) / MEDIA / entry["name"]).open("rb") as unpacked:
                    storage.save(entry["name"], File(unpacked))
    return manifest


def backup_summary(manifest: dict) -> dict[str, int]:
    """Households, ledger entries, redemptions and files in a backup, for its status line."""
    rows = manifest["rows"]
    return {
        "households": rows.get(Household._meta.db_table, 0),
        "entries": rows.get(Entry._meta.db_table, 0),
        "redemptions": rows.get(Redemption._meta.db_table, 0),
        "files": len(manifest["files"]),
    }


def _unpack(archive: Path, into: Path) -> dict:
    """Extract the archive and check every member against the manifest's checksums."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
        manifest = json.loads((into / MANIFEST).read_text())
        if manifest.get("format") != FORMAT:
            raise NotABackup(path=archive, reason=f"format {manifest.get('format')!r}")
    except (OSError, tarfile.TarError, ValueError) as unreadable:
        raise NotABackup(path=archive, reason=str(unreadable)) from unreadable
    members = [(manifest["database"]["member"], manifest["database"])]
    members += [(MEDIA + entry["name"], entry) for entry in manifest["files"]]
    for member, expected in members:
        path = into / member
        if not path.is_file() or _digest(path.open("rb"))["sha256"] != expected["sha256"]:
            raise BackupDamaged(member=member)
    return manifest


def _digest(stream) -> dict:
    digest, size = hashlib.sha256(), 0
    with stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "bytes": size}


def _stored_files(storage: Storage, folder: str = "") -> list[str]:
    """Every file in storage, through the storage API, so any Django storage backend will do."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # no upload yet: the media folder is made by the first one
        return []
    names = [f"{folder}{name}" for name in files]
    for name in folders:
        names += _stored_files(storage, f"{folder}{name}/")
    return sorted(names)


def _release() -> dict:
    with (settings.BASE_DIR / "pyproject.toml").open("rb") as pyproject:
        version = tomllib.load(pyproject)["project"]["version"]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):  # installed from an export, not a checkout
        commit = None
    return {"version": version, "commit": commit}


def _prune(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives; their names sort by the time they were made."""
    archives = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))
    removed = archives[:-keep] if keep > 0 else []
    for old in removed:
        old.unlink()
    return removed

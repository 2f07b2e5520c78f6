"""The only writers of evidence: adding a file, linking it to the entry it documents, deleting it.

`evidence_add` checks the file (`evidence.files`) before anything is stored, then stores it and its
display copy under random names and writes the row. A write that records something else with its
evidence (an entry and its photos, a case, an objection) runs inside `evidence_atomic()`: one
transaction, and if it rolls back, the files stored inside it are deleted too, so a refusal leaves
neither a row nor a file behind.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.base import ContentFile
from django.db import transaction

from credits.models import Entry
from evidence.errors import EvidenceOnFinalEntry, EvidenceWrongHousehold
from evidence.files import check_upload
from evidence.models import Evidence, evidence_storage
from history.context import acting
from households.errors import NotYours
from households.models import Household
from households.selectors import may_change_village

# The names stored by the innermost `evidence_atomic()` block running in this context, if any.
_stored: ContextVar[list[str] | None] = ContextVar("evidence_stored", default=None)


@contextmanager
def evidence_atomic() -> Iterator[None]:
    """A transaction whose rollback also deletes the evidence files stored inside it.

    Storage is not the database: a file saved before a later step refuses (a rule's cap, a closed
    year) would outlive the rolled-back row without this.
    """
    parent = _stored.get()
    stored: list[str] = []
    token = _stored.set(stored)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _delete_files(stored)
        raise
    finally:
        _stored.reset(token)
    if parent is not None:
        parent.extend(stored)  # an enclosing block may still roll back


def evidence_add(*, household: Household, file, by, entry: Entry | None = None) -> Evidence:
    """Keep `file` (an upload, or a `CheckedFile` a form already checked) as evidence for `household`.

    `by` is the member of staff adding it, who must keep the household's village, or None for a
    villager's own upload from the lookup page, whose caller has checked the lookup's grant.
    Refused with an `EvidenceRefused` (wrong type, too large, empty) before anything is stored.
    """
    checked = check_upload(file)
    if by is not None and not may_change_village(by, household.village_id):
        raise NotYours()
    if entry is not None and entry.household_id != household.pk:
        raise EvidenceWrongHousehold()
    storage = evidence_storage()
    names: list[str] = []
    try:
        names.append(storage.save(f"evidence/{uuid.uuid4().hex}{checked.extension}", ContentFile(checked.data)))
        if checked.display is not None:
            names.append(storage.save(f"evidence/{uuid.uuid4().hex}-display.jpg", ContentFile(checked.display)))
        with transaction.atomic(), acting(by):
            evidence = Evidence.objects.create(
                household=household,
                entry=entry,
                file=names[0],
                display=names[1] if len(names) > 1 else "",
                content_type=checked.content_type,
                size=checked.size,
                original_name=checked.name,
                uploaded_by=by,
            )
    except BaseException:
        _delete_files(names)
        raise
    stored = _stored.get()
    if stored is not None:
        stored.extend(names)
    return evidence


def entry_with_evidence(write: Callable[[], Entry], *, household: Household, files, by) -> Entry:
    """Run a ledger write (`entry_record`, `entry_adjust`…) and keep `files` as its entry's evidence,
    all or nothing: a refused file leaves no entry, a refused entry leaves no file."""
    files = [check_upload(file) for file in files]  # every file refused before anything is written
    with evidence_atomic():
        entry = write()
        for file in files:
            evidence_add(household=household, file=file, by=by, entry=entry)
    return entry


def evidence_entry_add(*, entry: Entry, files, by) -> list[Evidence]:
    """Add evidence to an entry already in the ledger, all the files or none."""
    files = [check_upload(file) for file in files]
    with evidence_atomic():
        return [evidence_add(household=entry.household, file=file, by=by, entry=entry) for file in files]


def evidence_link(*, evidence: Evidence, entry: Entry, by) -> Evidence:
    """Point a case's evidence at the entry the case became; evidence already on an entry stays there."""
    if entry.household_id != evidence.household_id:
        raise EvidenceWrongHousehold()
    if evidence.entry_id is not None and evidence.entry_id != entry.pk:
        raise EvidenceOnFinalEntry()
    with transaction.atomic(), acting(by):
        evidence.entry = entry
        evidence.save(update_fields=["entry"])
    return evidence


def evidence_delete(*, evidence: Evidence, by) -> None:
    """Delete evidence not (yet) on an entry: a photo added by mistake to a case, say.

    Evidence of an entry is part of the ledger's record and is refused.
    """
    if not may_change_village(by, evidence.household.village_id):
        raise NotYours()
    if evidence.entry_id is not None:
        raise EvidenceOnFinalEntry()
    names = [name for name in (evidence.file.name, evidence.display.name) if name]
    with transaction.atomic(), acting(by):
        evidence.delete()
        # The files go only once the row is gone for good.
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    storage = evidence_storage()
    for name in names:
        storage.delete(name)

-- The ledger is append-only below the ORM: no UPDATE or DELETE of an entry, ever.
-- A mistake is undone by a reversal entry (credits.services.entry_reverse).
-- IF NOT EXISTS: a later migration installs this file again to add what an earlier one lacked.
CREATE TRIGGER IF NOT EXISTS credits_entry_no_update
BEFORE UPDATE ON credits_entry
BEGIN
    SELECT RAISE(ABORT, 'credits_entry is append-only: record a reversal instead');
END;

CREATE TRIGGER IF NOT EXISTS credits_entry_no_delete
BEFORE DELETE ON credits_entry
BEGIN
    SELECT RAISE(ABORT, 'credits_entry is append-only: record a reversal instead');
END;

-- INSERT OR REPLACE deletes the row it collides with without firing the DELETE trigger unless
-- `PRAGMA recursive_triggers` is on. The site turns it on for every connection (settings), and
-- this trigger refuses the replacement of an existing entry even on a connection that did not.
CREATE TRIGGER IF NOT EXISTS credits_entry_no_replace
BEFORE INSERT ON credits_entry
WHEN EXISTS (SELECT 1 FROM credits_entry WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'credits_entry is append-only: an entry cannot be replaced');
END;

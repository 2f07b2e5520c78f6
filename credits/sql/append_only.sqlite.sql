-- The ledger is append-only below the ORM: no UPDATE or DELETE of an entry, ever.
-- A mistake is undone by a reversal entry (credits.services.entry_reverse).
CREATE TRIGGER credits_entry_no_update
BEFORE UPDATE ON credits_entry
BEGIN
    SELECT RAISE(ABORT, 'credits_entry is append-only: record a reversal instead');
END;

CREATE TRIGGER credits_entry_no_delete
BEFORE DELETE ON credits_entry
BEGIN
    SELECT RAISE(ABORT, 'credits_entry is append-only: record a reversal instead');
END;

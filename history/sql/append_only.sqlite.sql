-- The history of changes is append-only below the ORM, like the ledger: what was done stays said.
-- IF NOT EXISTS: a later migration installs this file again to add what an earlier one lacked.
-- The no_replace trigger refuses INSERT OR REPLACE of an existing row, as credits/sql/ explains.
CREATE TRIGGER IF NOT EXISTS history_change_no_update
BEFORE UPDATE ON history_change
BEGIN
    SELECT RAISE(ABORT, 'history_change is append-only');
END;

CREATE TRIGGER IF NOT EXISTS history_change_no_delete
BEFORE DELETE ON history_change
BEGIN
    SELECT RAISE(ABORT, 'history_change is append-only');
END;

CREATE TRIGGER IF NOT EXISTS history_change_no_replace
BEFORE INSERT ON history_change
WHEN EXISTS (SELECT 1 FROM history_change WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'history_change is append-only');
END;

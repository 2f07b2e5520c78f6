-- The history of changes is append-only below the ORM, like the ledger: what was done stays said.
CREATE TRIGGER history_change_no_update
BEFORE UPDATE ON history_change
BEGIN
    SELECT RAISE(ABORT, 'history_change is append-only');
END;

CREATE TRIGGER history_change_no_delete
BEFORE DELETE ON history_change
BEGIN
    SELECT RAISE(ABORT, 'history_change is append-only');
END;

-- The history of changes is append-only below the ORM, like the ledger: what was done stays said.
-- OR REPLACE: a later migration installs this file again to add what an earlier one lacked.
CREATE OR REPLACE FUNCTION history_change_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history_change is append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE OR REPLACE TRIGGER history_change_append_only
BEFORE UPDATE OR DELETE ON history_change
FOR EACH ROW EXECUTE FUNCTION history_change_append_only();

-- Row triggers never see TRUNCATE.
CREATE OR REPLACE TRIGGER history_change_no_truncate
BEFORE TRUNCATE ON history_change
FOR EACH STATEMENT EXECUTE FUNCTION history_change_append_only();

-- The ledger is append-only below the ORM: no UPDATE, DELETE or TRUNCATE of an entry, ever.
-- A mistake is undone by a reversal entry (credits.services.entry_reverse). INSERT ... ON
-- CONFLICT DO UPDATE is an UPDATE and is refused with it.
-- OR REPLACE: a later migration installs this file again to add what an earlier one lacked.
-- The owner of the tables can still disable triggers; the site runs as a role that cannot (see
-- the `site_role` command).
CREATE OR REPLACE FUNCTION credits_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'credits_entry is append-only: record a reversal instead'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE OR REPLACE TRIGGER credits_entry_append_only
BEFORE UPDATE OR DELETE ON credits_entry
FOR EACH ROW EXECUTE FUNCTION credits_entry_append_only();

-- Row triggers never see TRUNCATE.
CREATE OR REPLACE TRIGGER credits_entry_no_truncate
BEFORE TRUNCATE ON credits_entry
FOR EACH STATEMENT EXECUTE FUNCTION credits_entry_append_only();

-- The ledger is append-only below the ORM: no UPDATE or DELETE of an entry, ever.
-- A mistake is undone by a reversal entry (credits.services.entry_reverse).
CREATE OR REPLACE FUNCTION credits_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'credits_entry is append-only: record a reversal instead'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER credits_entry_append_only
BEFORE UPDATE OR DELETE ON credits_entry
FOR EACH ROW EXECUTE FUNCTION credits_entry_append_only();

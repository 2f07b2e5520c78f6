-- A closed year's snapshot never changes: no UPDATE, DELETE or TRUNCATE of its rows, ever.
-- Reopening a year keeps its snapshot; the next close writes a new one beside it.
CREATE OR REPLACE FUNCTION years_yearsnapshot_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'years_yearsnapshot is append-only: a closed year stays as it was'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE OR REPLACE TRIGGER years_yearsnapshot_append_only
BEFORE UPDATE OR DELETE ON years_yearsnapshot
FOR EACH ROW EXECUTE FUNCTION years_yearsnapshot_append_only();

CREATE OR REPLACE TRIGGER years_yearsnapshot_no_truncate
BEFORE TRUNCATE ON years_yearsnapshot
FOR EACH STATEMENT EXECUTE FUNCTION years_yearsnapshot_append_only();

-- A closed year's snapshot never changes: no UPDATE or DELETE of its rows, ever.
-- Reopening a year keeps its snapshot; the next close writes a new one beside it.
CREATE TRIGGER IF NOT EXISTS years_yearsnapshot_no_update
BEFORE UPDATE ON years_yearsnapshot
BEGIN
    SELECT RAISE(ABORT, 'years_yearsnapshot is append-only: a closed year stays as it was');
END;

CREATE TRIGGER IF NOT EXISTS years_yearsnapshot_no_delete
BEFORE DELETE ON years_yearsnapshot
BEGIN
    SELECT RAISE(ABORT, 'years_yearsnapshot is append-only: a closed year stays as it was');
END;

CREATE TRIGGER IF NOT EXISTS years_yearsnapshot_no_replace
BEFORE INSERT ON years_yearsnapshot
WHEN EXISTS (SELECT 1 FROM years_yearsnapshot WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'years_yearsnapshot is append-only: a row cannot be replaced');
END;

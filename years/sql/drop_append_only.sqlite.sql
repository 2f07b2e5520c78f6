DROP TRIGGER IF EXISTS years_yearsnapshot_no_update;
DROP TRIGGER IF EXISTS years_yearsnapshot_no_delete;
DROP TRIGGER IF EXISTS years_yearsnapshot_no_replace;

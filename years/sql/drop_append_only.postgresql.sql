DROP TRIGGER IF EXISTS years_yearsnapshot_append_only ON years_yearsnapshot;
DROP TRIGGER IF EXISTS years_yearsnapshot_no_truncate ON years_yearsnapshot;
DROP FUNCTION IF EXISTS years_yearsnapshot_append_only();

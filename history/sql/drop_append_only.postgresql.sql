DROP TRIGGER IF EXISTS history_change_append_only ON history_change;
DROP TRIGGER IF EXISTS history_change_no_truncate ON history_change;
DROP FUNCTION IF EXISTS history_change_append_only();

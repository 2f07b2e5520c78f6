DROP TRIGGER IF EXISTS history_change_append_only ON history_change;
DROP FUNCTION IF EXISTS history_change_append_only();

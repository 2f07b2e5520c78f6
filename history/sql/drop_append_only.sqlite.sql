DROP TRIGGER IF EXISTS history_change_no_update;
DROP TRIGGER IF EXISTS history_change_no_delete;
DROP TRIGGER IF EXISTS history_change_no_replace;

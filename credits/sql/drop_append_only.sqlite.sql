DROP TRIGGER IF EXISTS credits_entry_no_update;
DROP TRIGGER IF EXISTS credits_entry_no_delete;
DROP TRIGGER IF EXISTS credits_entry_no_replace;

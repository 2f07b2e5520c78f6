DROP TRIGGER IF EXISTS credits_entry_append_only ON credits_entry;
DROP TRIGGER IF EXISTS credits_entry_no_truncate ON credits_entry;
DROP FUNCTION IF EXISTS credits_entry_append_only();

DROP TRIGGER IF EXISTS credits_entry_append_only ON credits_entry;
DROP FUNCTION IF EXISTS credits_entry_append_only();

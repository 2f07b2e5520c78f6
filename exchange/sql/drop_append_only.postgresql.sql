DROP TRIGGER IF EXISTS exchange_stockmovement_append_only ON exchange_stockmovement;
DROP TRIGGER IF EXISTS exchange_redemption_append_only ON exchange_redemption;
DROP TRIGGER IF EXISTS exchange_redemptionline_append_only ON exchange_redemptionline;
DROP TRIGGER IF EXISTS exchange_redemptionvoid_append_only ON exchange_redemptionvoid;
DROP FUNCTION IF EXISTS exchange_append_only();

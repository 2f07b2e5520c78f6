DROP TRIGGER IF EXISTS exchange_stockmovement_no_update;
DROP TRIGGER IF EXISTS exchange_stockmovement_no_delete;
DROP TRIGGER IF EXISTS exchange_redemption_no_update;
DROP TRIGGER IF EXISTS exchange_redemption_no_delete;
DROP TRIGGER IF EXISTS exchange_redemptionline_no_update;
DROP TRIGGER IF EXISTS exchange_redemptionline_no_delete;
DROP TRIGGER IF EXISTS exchange_redemptionvoid_no_update;
DROP TRIGGER IF EXISTS exchange_redemptionvoid_no_delete;

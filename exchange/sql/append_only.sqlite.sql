-- The shop's history is append-only below the ORM: stock movements, redemptions, their lines
-- and voids are never updated or deleted. A void is a new row; stock comes back as a movement.
-- IF NOT EXISTS: a later migration installs this file again to add what an earlier one lacked.
-- The no_replace triggers refuse INSERT OR REPLACE of an existing row, as credits/sql/ explains.

CREATE TRIGGER IF NOT EXISTS exchange_stockmovement_no_update
BEFORE UPDATE ON exchange_stockmovement
BEGIN
    SELECT RAISE(ABORT, 'exchange_stockmovement is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_stockmovement_no_delete
BEFORE DELETE ON exchange_stockmovement
BEGIN
    SELECT RAISE(ABORT, 'exchange_stockmovement is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_stockmovement_no_replace
BEFORE INSERT ON exchange_stockmovement
WHEN EXISTS (SELECT 1 FROM exchange_stockmovement WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'exchange_stockmovement is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_redemption_no_update
BEFORE UPDATE ON exchange_redemption
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemption is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_redemption_no_delete
BEFORE DELETE ON exchange_redemption
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemption is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_redemption_no_replace
BEFORE INSERT ON exchange_redemption
WHEN EXISTS (SELECT 1 FROM exchange_redemption WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemption is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_redemptionline_no_update
BEFORE UPDATE ON exchange_redemptionline
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemptionline is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_redemptionline_no_delete
BEFORE DELETE ON exchange_redemptionline
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemptionline is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_redemptionline_no_replace
BEFORE INSERT ON exchange_redemptionline
WHEN EXISTS (SELECT 1 FROM exchange_redemptionline WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemptionline is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_redemptionvoid_no_update
BEFORE UPDATE ON exchange_redemptionvoid
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemptionvoid is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_redemptionvoid_no_delete
BEFORE DELETE ON exchange_redemptionvoid
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemptionvoid is append-only');
END;

CREATE TRIGGER IF NOT EXISTS exchange_redemptionvoid_no_replace
BEFORE INSERT ON exchange_redemptionvoid
WHEN EXISTS (SELECT 1 FROM exchange_redemptionvoid WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemptionvoid is append-only');
END;

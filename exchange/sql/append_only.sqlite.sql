-- The shop's history is append-only below the ORM: stock movements, redemptions, their lines
-- and voids are never updated or deleted. A void is a new row; stock comes back as a movement.

CREATE TRIGGER exchange_stockmovement_no_update
BEFORE UPDATE ON exchange_stockmovement
BEGIN
    SELECT RAISE(ABORT, 'exchange_stockmovement is append-only');
END;

CREATE TRIGGER exchange_stockmovement_no_delete
BEFORE DELETE ON exchange_stockmovement
BEGIN
    SELECT RAISE(ABORT, 'exchange_stockmovement is append-only');
END;

CREATE TRIGGER exchange_redemption_no_update
BEFORE UPDATE ON exchange_redemption
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemption is append-only');
END;

CREATE TRIGGER exchange_redemption_no_delete
BEFORE DELETE ON exchange_redemption
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemption is append-only');
END;

CREATE TRIGGER exchange_redemptionline_no_update
BEFORE UPDATE ON exchange_redemptionline
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemptionline is append-only');
END;

CREATE TRIGGER exchange_redemptionline_no_delete
BEFORE DELETE ON exchange_redemptionline
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemptionline is append-only');
END;

CREATE TRIGGER exchange_redemptionvoid_no_update
BEFORE UPDATE ON exchange_redemptionvoid
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemptionvoid is append-only');
END;

CREATE TRIGGER exchange_redemptionvoid_no_delete
BEFORE DELETE ON exchange_redemptionvoid
BEGIN
    SELECT RAISE(ABORT, 'exchange_redemptionvoid is append-only');
END;

-- The shop's history is append-only below the ORM: stock movements, redemptions, their lines
-- and voids are never updated or deleted. A void is a new row; stock comes back as a movement.
CREATE OR REPLACE FUNCTION exchange_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER exchange_stockmovement_append_only
BEFORE UPDATE OR DELETE ON exchange_stockmovement
FOR EACH ROW EXECUTE FUNCTION exchange_append_only();

CREATE TRIGGER exchange_redemption_append_only
BEFORE UPDATE OR DELETE ON exchange_redemption
FOR EACH ROW EXECUTE FUNCTION exchange_append_only();

CREATE TRIGGER exchange_redemptionline_append_only
BEFORE UPDATE OR DELETE ON exchange_redemptionline
FOR EACH ROW EXECUTE FUNCTION exchange_append_only();

CREATE TRIGGER exchange_redemptionvoid_append_only
BEFORE UPDATE OR DELETE ON exchange_redemptionvoid
FOR EACH ROW EXECUTE FUNCTION exchange_append_only();

-- The shop's history is append-only below the ORM: stock movements, redemptions, their lines
-- and voids are never updated, deleted or truncated. A void is a new row; stock comes back as a
-- movement. OR REPLACE: a later migration installs this file again to add what an earlier one
-- lacked. See credits/sql/ for INSERT ... ON CONFLICT and the role the site runs as.
CREATE OR REPLACE FUNCTION exchange_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE OR REPLACE TRIGGER exchange_stockmovement_append_only
BEFORE UPDATE OR DELETE ON exchange_stockmovement
FOR EACH ROW EXECUTE FUNCTION exchange_append_only();

CREATE OR REPLACE TRIGGER exchange_stockmovement_no_truncate
BEFORE TRUNCATE ON exchange_stockmovement
FOR EACH STATEMENT EXECUTE FUNCTION exchange_append_only();

CREATE OR REPLACE TRIGGER exchange_redemption_append_only
BEFORE UPDATE OR DELETE ON exchange_redemption
FOR EACH ROW EXECUTE FUNCTION exchange_append_only();

CREATE OR REPLACE TRIGGER exchange_redemption_no_truncate
BEFORE TRUNCATE ON exchange_redemption
FOR EACH STATEMENT EXECUTE FUNCTION exchange_append_only();

CREATE OR REPLACE TRIGGER exchange_redemptionline_append_only
BEFORE UPDATE OR DELETE ON exchange_redemptionline
FOR EACH ROW EXECUTE FUNCTION exchange_append_only();

CREATE OR REPLACE TRIGGER exchange_redemptionline_no_truncate
BEFORE TRUNCATE ON exchange_redemptionline
FOR EACH STATEMENT EXECUTE FUNCTION exchange_append_only();

CREATE OR REPLACE TRIGGER exchange_redemptionvoid_append_only
BEFORE UPDATE OR DELETE ON exchange_redemptionvoid
FOR EACH ROW EXECUTE FUNCTION exchange_append_only();

CREATE OR REPLACE TRIGGER exchange_redemptionvoid_no_truncate
BEFORE TRUNCATE ON exchange_redemptionvoid
FOR EACH STATEMENT EXECUTE FUNCTION exchange_append_only();

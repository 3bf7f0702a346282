-- V8: the audit chain is keyed. Events from audit_key.first_seq on carry an HMAC-SHA256 under a
-- key file outside the database (strata.audit.key-file); the events before it keep their plain
-- SHA-256 and are covered by the first keyed event's seal (it seals their last hash). Keys are
-- only ever added (a lost key is replaced explicitly), never changed.
CREATE TABLE audit_key (
    fingerprint text PRIMARY KEY,              -- HMAC of a fixed text under the key: names it, reveals nothing
    first_seq   bigint NOT NULL UNIQUE,        -- events with seq >= first_seq (up to the next key) are sealed with it
    created_at  timestamptz NOT NULL DEFAULT now(),
    note        text
);
CREATE TRIGGER audit_key_no_update BEFORE UPDATE OR DELETE ON audit_key
    FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER audit_key_no_truncate BEFORE TRUNCATE ON audit_key
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();

-- Whoever else got rights on the audit tables (e.g. the application role through default
-- privileges, scripts/db-roles.sql) keeps INSERT and SELECT only: no UPDATE, DELETE or TRUNCATE,
-- and no setval on the event sequence. Only the owner (migrations) may touch the triggers.
DO $$
DECLARE g record;
BEGIN
    FOR g IN SELECT DISTINCT c.relname, c.relkind, a.grantee
             FROM pg_class c, aclexplode(c.relacl) a
             WHERE c.relnamespace = current_schema()::regnamespace
               AND c.relname IN ('audit_event', 'audit_key', 'audit_event_seq')
               AND a.grantee <> c.relowner
               AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
    LOOP
        IF g.relkind = 'S' THEN
            EXECUTE format('REVOKE UPDATE ON SEQUENCE %I FROM %s', g.relname,
                           CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END);
        ELSE
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %s', g.relname,
                           CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END);
        END IF;
    END LOOP;
END $$;

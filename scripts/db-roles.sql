-- Strata's two database roles, for the database this runs in (as a superuser):
--   owner: owns the schema, runs the Flyway migrations (quarkus.flyway.username/password);
--   app:   what the running app connects as: normal rights on its tables, but on the audit tables
--          INSERT and SELECT only (no UPDATE, DELETE, TRUNCATE; not the owner, so it cannot
--          disable their triggers), no setval on the audit sequence.
-- Both get scram-sha-256 passwords. Idempotent (run before every start). Variables (psql -v):
--   owner, owner_password, app, app_password.
-- Run by scripts/host-setup.sh, and by the tests' support/TestDatabase for each test database.
SET password_encryption = 'scram-sha-256';
SELECT set_config('strata.owner', :'owner', false), set_config('strata.owner_password', :'owner_password', false),
       set_config('strata.app', :'app', false), set_config('strata.app_password', :'app_password', false);
DO $$
DECLARE
    owner text := current_setting('strata.owner');
    app   text := current_setting('strata.app');
    o record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = owner) THEN
        EXECUTE format('CREATE ROLE %I', owner);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
        EXECUTE format('CREATE ROLE %I', app);
    END IF;
    EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
                   owner, current_setting('strata.owner_password'));
    EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
                   app, current_setting('strata.app_password'));

    EXECUTE format('ALTER DATABASE %I OWNER TO %I', current_database(), owner);
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), app);
    EXECUTE format('ALTER SCHEMA public OWNER TO %I', owner);
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);

    -- A database made before the roles existed (its objects owned by postgres) moves to the owner.
    FOR o IN SELECT c.relname, c.relkind FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
               AND c.relowner <> owner::regrole
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass
                               AND d.deptype IN ('a', 'i'))  -- a column's sequence moves with its table
    LOOP
        EXECUTE format(CASE o.relkind WHEN 'S' THEN 'ALTER SEQUENCE public.%I OWNER TO %I'
                                      WHEN 'v' THEN 'ALTER VIEW public.%I OWNER TO %I'
                                      WHEN 'm' THEN 'ALTER MATERIALIZED VIEW public.%I OWNER TO %I'
                                      ELSE 'ALTER TABLE public.%I OWNER TO %I' END, o.relname, owner);
    END LOOP;
    FOR o IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> owner::regrole
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', o.sig, owner);
    END LOOP;

    -- Normal rights on what the owner creates (now and in later migrations) ...
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', owner, app);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', owner, app);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', app);
    -- ... except the audit tables: INSERT and SELECT only (V8 revokes the same in a fresh database,
    -- where these tables are created after this script ran).
    IF to_regclass('public.audit_event') IS NOT NULL THEN
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON public.audit_event FROM %I', app);
        EXECUTE format('REVOKE UPDATE ON SEQUENCE public.audit_event_seq FROM %I', app);
    END IF;
    IF to_regclass('public.audit_key') IS NOT NULL THEN
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON public.audit_key FROM %I', app);
    END IF;
END $$;

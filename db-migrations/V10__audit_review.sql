-- Audit review (issue 10): text search, indexes for filtered keyset pages, and what each job changed.

-- Free-text search over action, target and details: a trigram index serves ILIKE '%word%'.
-- pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The text the search looks in; the query repeats this expression so the index serves it.
CREATE FUNCTION audit_event_text(action text, target text, details text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT coalesce(action, '') || ' ' || coalesce(target, '') || ' ' || coalesce(details, '') $$;
CREATE INDEX audit_event_text_trgm ON audit_event USING gin (audit_event_text(action, target, details) gin_trgm_ops);

-- Filters of /audit, each with seq so "newest first, before <seq>" is an index range.
-- Targets are host/vm[/...]: the VM filter and the VM timeline match the VM part.
CREATE INDEX audit_event_vm ON audit_event (split_part(target, '/', 2), seq);
CREATE INDEX audit_event_action ON audit_event (action, seq);
CREATE INDEX audit_event_outcome ON audit_event (outcome, seq);
CREATE INDEX audit_event_job ON audit_event (job_id) WHERE job_id IS NOT NULL;
CREATE INDEX job_actor ON job (actor, id);

-- Domain XML, stored once per distinct text (content-addressed by its SHA-256).
CREATE TABLE domain_xml (
    sha256 text PRIMARY KEY,
    xml    text NOT NULL
);

-- What one job changed on its VM: read before the handler ran and after it ended.
-- record is the canonical JSON the outcome's audit event names by digest (sha256 of record), so
-- the audit chain binds it; audit_seq is that event.
CREATE TABLE job_change (
    job_id      bigint PRIMARY KEY REFERENCES job(id),
    host        text NOT NULL,
    vm          text NOT NULL,
    xml_before  text REFERENCES domain_xml(sha256),
    xml_after   text REFERENCES domain_xml(sha256),
    record      text NOT NULL,
    digest      text NOT NULL,
    audit_seq   bigint,
    captured_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_change_audit_seq ON job_change (audit_seq) WHERE audit_seq IS NOT NULL;

CREATE FUNCTION job_change_is_write_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The record is bound by the audit chain; only the link to the outcome's event may be set, once.
    IF TG_OP = 'DELETE' OR NEW.record IS DISTINCT FROM OLD.record OR NEW.digest IS DISTINCT FROM OLD.digest
       OR NEW.xml_before IS DISTINCT FROM OLD.xml_before OR NEW.xml_after IS DISTINCT FROM OLD.xml_after
       OR (OLD.audit_seq IS NOT NULL AND NEW.audit_seq IS DISTINCT FROM OLD.audit_seq) THEN
        RAISE EXCEPTION 'job_change is write-once: % refused', TG_OP;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER job_change_write_once BEFORE UPDATE OR DELETE ON job_change
    FOR EACH ROW EXECUTE FUNCTION job_change_is_write_once();

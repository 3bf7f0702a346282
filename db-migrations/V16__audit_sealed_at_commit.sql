-- V16: audit events are sealed and written as their transaction commits (AuditLog), so the outcome
-- event's seq is not known while a job's outcome is being recorded. The database links a job's
-- change record (V10) to that event when the event is written: the event names the record's digest
-- ("change sha256:<digest>"), and only a record not yet linked is linked, once (V10's trigger).
CREATE FUNCTION job_change_link_audit_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE job_change SET audit_seq = NEW.seq
     WHERE job_id = NEW.job_id AND audit_seq IS NULL
       AND position('change sha256:' || digest IN NEW.details) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER audit_event_links_job_change AFTER INSERT ON audit_event
    FOR EACH ROW WHEN (NEW.job_id IS NOT NULL AND NEW.details LIKE '%change sha256:%')
    EXECUTE FUNCTION job_change_link_audit_event();

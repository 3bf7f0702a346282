-- The job state machine, enforced by the database too (the same table as io.strata.job.JobState):
--   QUEUED  -> RUNNING | CANCELLED
--   RUNNING -> SUCCEEDED | FAILED | CANCELLED | INTERRUPTED
--   SUCCEEDED, FAILED, CANCELLED, INTERRUPTED: final
-- A new row starts QUEUED. An INTERRUPTED job is reconciled once (reconciled_at), never re-run.

ALTER TABLE job ADD COLUMN reconciled_at timestamptz;
UPDATE job SET reconciled_at = finished_at WHERE state = 'INTERRUPTED' AND result IS NOT NULL;

CREATE FUNCTION job_state_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'QUEUED' THEN
            RAISE EXCEPTION 'job % must start QUEUED, not %', NEW.id, NEW.state USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.state IS DISTINCT FROM OLD.state AND NOT (
           (OLD.state = 'QUEUED'  AND NEW.state IN ('RUNNING', 'CANCELLED'))
        OR (OLD.state = 'RUNNING' AND NEW.state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED'))) THEN
        RAISE EXCEPTION 'job %: % -> % is not a transition of the job state machine', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER job_state_transition BEFORE INSERT OR UPDATE OF state ON job
    FOR EACH ROW EXECUTE FUNCTION job_state_transition();

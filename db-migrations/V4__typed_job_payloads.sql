-- Typed job payloads: the string-keyed params map becomes a JSONB payload with a schema version,
-- read back into the kind's record. Kinds are named for what the user asked.

ALTER TABLE job ADD COLUMN payload jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE job ADD COLUMN payload_version integer NOT NULL DEFAULT 1;

UPDATE job SET kind = 'SNAPSHOT_MERGE_ALL' WHERE kind = 'BLOCK_COMMIT';

-- The old maps already used the records' field names; snapshot kinds become the enum's constants
-- and flags stored as strings become booleans.
UPDATE job SET payload = params::jsonb;
UPDATE job SET payload = jsonb_set(payload, '{kind}', to_jsonb(upper(payload->>'kind')))
 WHERE kind IN ('SNAPSHOT_CREATE', 'SNAPSHOT_REVERT', 'SNAPSHOT_DELETE') AND payload ? 'kind';
UPDATE job SET payload = payload || jsonb_build_object('confirmLoss', (payload->>'confirmLoss')::boolean)
 WHERE kind = 'DISK_CONVERT' AND payload ? 'confirmLoss';
UPDATE job SET payload = payload - 'kind' WHERE kind = 'SNAPSHOT_MERGE_ALL';

ALTER TABLE job DROP COLUMN params;
ALTER TABLE job ADD CONSTRAINT job_payload_object CHECK (jsonb_typeof(payload) = 'object');

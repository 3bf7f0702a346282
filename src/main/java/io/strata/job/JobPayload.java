package io.strata.job;

/**
 * The typed data of a job: one record per {@link JobKind}, declared by the kind's handler
 * ({@link JobHandler#payloadType()}), checked when the job is accepted, stored as JSONB with a
 * schema version and read back with Jackson. A record validates itself in its constructor.
 */
public interface JobPayload {

    /** For kinds that need nothing beyond the job's host, VM and target. */
    record None() implements JobPayload {
    }
}

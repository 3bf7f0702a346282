package io.strata.job;

/** What a handler sees of its job, and how it reports back. */
public final class JobContext {

    private final Job job;
    private final JobPayload payload;
    private final JobService jobs;

    JobContext(Job job, JobPayload payload, JobService jobs) {
        this.job = job;
        this.payload = payload;
        this.jobs = jobs;
    }

    public long jobId() {
        return job.id;
    }

    public String host() {
        return job.host;
    }

    public String vm() {
        return job.vm;
    }

    public String target() {
        return job.target;
    }

    public String actor() {
        return job.actor;
    }

    /** The job's typed data, as its handler declared it ({@link JobHandler#payloadType()}). */
    public <P extends JobPayload> P payload(Class<P> type) {
        if (!type.isInstance(payload)) {
            throw new IllegalStateException("job " + job.id + " (" + job.kind + ") carries "
                    + payload.getClass().getSimpleName() + ", not " + type.getSimpleName());
        }
        return type.cast(payload);
    }

    public void log(String line) {
        jobs.log(job.id, line);
    }

    public void progress(int percent, String text) {
        jobs.progress(job.id, percent, text);
    }

    /** Whether someone asked to cancel the job, for handlers that must stop in their own way. */
    public boolean cancelRequested() {
        return jobs.isCancelRequested(job.id);
    }

    /** A check point: stops the job here when someone asked to cancel it. */
    public void checkCancelled() {
        if (jobs.isCancelRequested(job.id)) {
            throw new JobCancelled();
        }
    }
}

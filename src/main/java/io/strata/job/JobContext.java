package io.strata.job;

import java.util.function.Supplier;

/** What a handler sees of its job, and how it reports back. */
public final class JobContext {

    private final Job job;
    private final Supplier<JobPayload> payload;
    private final JobTransitions transitions;
    private final JobLog log;

    /** The payload is read when the handler asks: a reconciliation may not need it. */
    JobContext(Job job, Supplier<JobPayload> payload, JobTransitions transitions, JobLog log) {
        this.job = job;
        this.payload = payload;
        this.transitions = transitions;
        this.log = log;
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
        JobPayload p = payload.get();
        if (!type.isInstance(p)) {
            throw new IllegalStateException("job " + job.id + " (" + job.kind + ") carries "
                    + p.getClass().getSimpleName() + ", not " + type.getSimpleName());
        }
        return type.cast(p);
    }

    public void log(String line) {
        log.append(job.id, line);
    }

    public void progress(int percent, String text) {
        transitions.progress(job.id, percent, text);
    }

    /** Whether someone asked to cancel the job, for handlers that must stop in their own way. */
    public boolean cancelRequested() {
        return transitions.isCancelRequested(job.id);
    }

    /** A check point: stops the job here when someone asked to cancel it. */
    public void checkCancelled() {
        if (transitions.isCancelRequested(job.id)) {
            throw new JobCancelled();
        }
    }
}

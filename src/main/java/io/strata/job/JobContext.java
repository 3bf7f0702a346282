package io.strata.job;

import java.util.function.DoubleConsumer;
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

    /**
     * The stretch of the progress bar from {@code from} to {@code to} percent, for a step that
     * knows its own fraction done (0..1): handlers say where a step sits, not how to scale it.
     */
    public Band band(int from, int to) {
        return new Band(from, to);
    }

    /** A stretch of the job's progress bar; see {@link #band}. */
    public final class Band {
        private final int from;
        private final int to;

        private Band(int from, int to) {
            this.from = from;
            this.to = to;
        }

        /** Reports {@code fraction} (0..1) of this stretch done. */
        public void progress(double fraction, String text) {
            JobContext.this.progress(from + (int) ((to - from) * fraction), text);
        }

        /** Reports that step {@code i} (from 0) of {@code n} equal steps begins. */
        public void step(int i, int n, String text) {
            part(i, n).progress(0, text);
        }

        /** Part {@code i} (from 0) of {@code n} equal parts, e.g. one disk of n. */
        public Band part(int i, int n) {
            int start = from + (to - from) * i / n;
            return new Band(start, start + (to - from) / n);
        }

        /** A progress listener that reports "{@code what} 42%". */
        public DoubleConsumer percent(String what) {
            return f -> progress(f, what + " " + Math.round(100 * f) + "%");
        }
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

package io.strata.job;

import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

/** What a handler sees of its job, and how it reports back. */
public final class JobContext {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JobContext.class);

    private final Job job;
    private final Supplier<JobPayload> payload;
    private final JobTransitions transitions;
    private final JobLog log;
    /** Null: every check point reads the cancel flag (a reconciliation). */
    private final JobNotices notices;
    /** When the cancel flag was last read: the claim read it just before the context was made. */
    private long flagReadAt = System.nanoTime();

    /** How long a check point trusts that no cancel came when none was heard (a lost notification costs at most this). */
    static final long FLAG_TRUSTED_NANOS = 1_000_000_000L;

    /** The payload is read when the handler asks: a reconciliation may not need it. */
    JobContext(Job job, Supplier<JobPayload> payload, JobTransitions transitions, JobLog log, JobNotices notices) {
        this.job = job;
        this.payload = payload;
        this.transitions = transitions;
        this.log = log;
        this.notices = notices;
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

    private ObservedVm atStart;

    void atStart(ObservedVm vm) {
        this.atStart = vm;
    }

    /**
     * The job's VM as the worker read it just before the handler started (for the change record),
     * or null when it was not read: a handler's checks take it instead of reading the host again.
     * It is the VM after the job waited in the queue, so whatever the request checked is checked
     * again on it.
     */
    public ObservedVm atStart() {
        return atStart;
    }

    /** A step of the handler changed the VM (e.g. shut it down): {@link #atStart} no longer describes it. */
    public void vmChanged() {
        atStart = null;
    }

    /** When a worker first started the job (what it made on the host is newer). */
    public java.time.Instant startedAt() {
        return job.startedAt;
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

    /**
     * A line of the job's log. While the database is away (restarting), the line goes to the app's
     * log instead: the work on the host must not stop for want of a log row.
     */
    public void log(String line) {
        try {
            log.append(job.id, line);
        } catch (RuntimeException e) {
            if (!databaseUnavailable(e)) {
                throw e;
            }
            LOG.warnf("job %d: %s (not in the job log: the database does not answer)", job.id, line);
        }
    }

    /** Progress (and the heartbeat): skipped while the database is away; the next one catches up. */
    public void progress(int percent, String text) {
        try {
            transitions.progress(job.id, percent, text);
        } catch (RuntimeException e) {
            if (!databaseUnavailable(e)) {
                throw e;
            }
            LOG.debugf("job %d: progress not recorded, the database does not answer", job.id);
        }
    }

    /**
     * Whether the failure is the database being unreachable (connection refused or cut, or the
     * server shutting down: SQLSTATE class 08 and 57P), not a fault of the statement.
     */
    static boolean databaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
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

    /**
     * Whether someone asked to cancel the job, for handlers that must stop in their own way. While
     * the database is away nobody can have asked (a cancel is a database write): false.
     */
    public boolean cancelRequested() {
        // No cancel heard (LISTEN) and the flag read less than a second ago: not asked. A short
        // job's check points then cost nothing; a long one's still read the flag every second.
        if (notices != null && !notices.mayBeCancelled(job.id) && System.nanoTime() - flagReadAt < FLAG_TRUSTED_NANOS) {
            return false;
        }
        try {
            flagReadAt = System.nanoTime();
            return transitions.isCancelRequested(job.id);
        } catch (RuntimeException e) {
            if (!databaseUnavailable(e)) {
                throw e;
            }
            return false;
        }
    }

    /** A check point: stops the job here when someone asked to cancel it. */
    public void checkCancelled() {
        if (cancelRequested()) {
            throw new JobCancelled();
        }
    }
}

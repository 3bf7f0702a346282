package io.strata.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Wakes every node at once through PostgreSQL LISTEN/NOTIFY: a queued job wakes idle workers, a
 * finished job wakes the requests waiting for it ({@code GET /api/jobs/{id}?wait=}), and any change
 * a page shows (state, progress, log line, cancel request) wakes the live streams watching that
 * job ({@link JobStreams}). Notifications are sent inside the transaction that makes the change,
 * so they arrive only after its commit. A lost notification (the listening connection dropped)
 * costs only time: workers still poll, waiters and streams still re-read, at a slower pace.
 */
@ApplicationScoped
public class JobNotices {

    private static final Logger LOG = Logger.getLogger(JobNotices.class);
    static final String QUEUED = "strata_job_queued";
    static final String FINISHED = "strata_job_finished";
    /** Payload: the job id. Sent by the statements that change what a job's page shows. */
    static final String CHANGED = "strata_job_changed";
    /** Payload: the job id. A cancel was asked of a running job (its handler's next check point reads the flag). */
    static final String CANCEL = "strata_job_cancel";

    @ConfigProperty(name = "strata.jobs.listen", defaultValue = "true")
    boolean listen;

    @Inject
    DataSource dataSource;
    @Inject
    EntityManager em;
    @Inject
    JobSignal signal;
    @Inject
    JobWaiters waiters;
    @Inject
    JobStreams streams;

    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Thread thread;
    private volatile boolean listening;
    /** Running jobs a cancel was heard for since they started here (see {@link #mayBeCancelled}). */
    private final java.util.Set<Long> cancelsHeard = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void start(@Observes StartupEvent ev) {
        if (!listen) {
            return;
        }
        running.set(true);
        Thread t = new Thread(this::loop, "strata-job-listener");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void stop(@Observes ShutdownEvent ev) {
        running.set(false);
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Whether this node is listening right now (for tests and the health of the fast path). */
    public boolean listening() {
        return listening;
    }

    /**
     * Whether a cancel of this job may have been asked since it started here: one was heard, or
     * this node is not listening (so it could have been missed). Lets a handler's check points skip
     * the database read while neither is so (JobContext#cancelRequested).
     */
    boolean mayBeCancelled(long jobId) {
        return !listening || cancelsHeard.contains(jobId);
    }

    /** The job ended here: what was heard for it is no longer needed. */
    void forgetCancel(long jobId) {
        cancelsHeard.remove(jobId);
    }

    /** In the caller's transaction: tells every node that a running job was asked to stop (sent at commit). */
    void cancelRequestedInCurrentTransaction(long jobId) {
        em.createNativeQuery("SELECT pg_notify(?1, ?2)").setParameter(1, CANCEL).setParameter(2, String.valueOf(jobId))
                .getSingleResult();
    }

    /** In the caller's transaction: tells every node that a job was queued (sent at commit). */
    void queuedInCurrentTransaction() {
        em.createNativeQuery("SELECT pg_notify(?1, '')").setParameter(1, QUEUED).getSingleResult();
    }

    /** In the caller's transaction: tells every node that these jobs ended (sent at commit, one notification). */
    void finishedInCurrentTransaction(java.util.List<Long> jobIds) {
        String ids = jobIds.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        em.createNativeQuery("SELECT pg_notify(?1, ?2)").setParameter(1, FINISHED).setParameter(2, ids).getSingleResult();
    }

    /** In the caller's transaction: tells every node's live streams that the job changed (sent at commit). */
    void changedInCurrentTransaction(long jobId) {
        em.createNativeQuery("SELECT pg_notify(?1, ?2)").setParameter(1, CHANGED).setParameter(2, String.valueOf(jobId))
                .getSingleResult();
    }

    private void loop() {
        long backoff = 500;
        while (running.get()) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + QUEUED);
                    s.execute("LISTEN " + FINISHED);
                    s.execute("LISTEN " + CHANGED);
                    s.execute("LISTEN " + CANCEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening = true;
                backoff = 500;
                // Jobs queued while this node was not listening are found by this first wake-up.
                signal.poke();
                while (running.get()) {
                    PGNotification[] ns = pg.getNotifications(1000);
                    if (ns == null) {
                        continue;
                    }
                    boolean queued = false;
                    for (PGNotification n : ns) {
                        if (QUEUED.equals(n.getName())) {
                            queued = true;
                        } else if (CANCEL.equals(n.getName())) {
                            try {
                                cancelsHeard.add(Long.parseLong(n.getParameter()));
                            } catch (NumberFormatException ignored) {
                                // not a job id
                            }
                        } else if (FINISHED.equals(n.getName()) || CHANGED.equals(n.getName())) {
                            boolean finished = FINISHED.equals(n.getName());
                            for (String id : n.getParameter().split(",")) {
                                try {
                                    long jobId = Long.parseLong(id);
                                    if (finished) {
                                        waiters.finished(jobId);
                                        // A cancel heard for a job that ran elsewhere, or heard after the job
                                        // ended here (its notification commits before the job's end: the row lock).
                                        cancelsHeard.remove(jobId);
                                    }
                                    streams.changed(jobId);
                                } catch (NumberFormatException ignored) {
                                    // not a job id
                                }
                            }
                        }
                    }
                    if (queued) {
                        signal.poke();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (!running.get()) {
                    return;
                }
                LOG.warnf("job notifications: %s; polling until the listener reconnects", e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(10_000, backoff * 2);
            }
        }
        listening = false;
    }
}

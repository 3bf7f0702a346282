package io.strata.job;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** A job's log lines: appended by its handler (and the engine), read by its page and the API. */
@ApplicationScoped
public class JobLog {

    private static final int MAX_LINE = 2000;

    @Inject
    EntityManager em;

    /**
     * Appended in a transaction of its own, without waiting for the WAL flush: a job writes many
     * lines, and a crash may lose the last few of them, never a state change. The job's live pages
     * hear of the line at commit ({@link JobNotices#CHANGED}).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void append(long jobId, String line) {
        // One statement: the setting, the notice and the row (a round trip fewer than SET LOCAL, then INSERT).
        em.createNativeQuery("INSERT INTO job_log (job_id, at, line)"
                + " SELECT ?1, clock_timestamp(), ?2 FROM (SELECT set_config('synchronous_commit', 'off', true),"
                + " pg_notify('" + JobNotices.CHANGED + "', CAST(?1 AS text))) s")
                .setParameter(1, jobId).setParameter(2, clip(line)).executeUpdate();
    }

    static String clip(String line) {
        return line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE) + "…";
    }

    /** Appended in the caller's transaction (a state change that explains itself), committed with it. */
    void appendInCurrentTransaction(long jobId, String line) {
        JobLogLine l = new JobLogLine();
        l.jobId = jobId;
        l.at = Instant.now();
        l.line = clip(line);
        l.persist();
    }

    /** The most lines a page, a live update or the API shows of one job (its newest). */
    static final int SHOWN_LINES = 1000;

    /**
     * The job's newest {@value #SHOWN_LINES} lines, oldest first: a live page draws them at every
     * change, so a job that logs without end must not cost more with each line.
     */
    @Transactional
    public List<JobLogLine> of(long jobId) {
        List<JobLogLine> newest = new java.util.ArrayList<>(JobLogLine.<JobLogLine>find("jobId = ?1 order by id desc", jobId)
                .page(0, SHOWN_LINES).list());
        java.util.Collections.reverse(newest);
        return newest;
    }
}

package io.strata.job;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/**
 * The job engine's metrics (issue 14). Labels are the bounded kinds and states only, never a VM or
 * a user. Endings and durations count what this node saw; the QUEUED/RUNNING gauges and the queue
 * depth read the job table (all nodes), at most once per {@link #REREAD} whatever the scrape rate.
 */
@Startup
@ApplicationScoped
public class JobMetrics {

    private static final Logger LOG = Logger.getLogger(JobMetrics.class);
    static final Duration REREAD = Duration.ofSeconds(5);
    private static final List<JobState> ACTIVE = List.of(JobState.QUEUED, JobState.RUNNING);

    @Inject
    MeterRegistry registry;
    @Inject
    DataSource db;

    private volatile Map<JobState, Map<JobKind, Long>> active = empty();
    private volatile long readAt;
    private volatile boolean everRead;

    @jakarta.annotation.PostConstruct
    void register() {
        for (JobKind kind : JobKind.values()) {
            for (JobState state : ACTIVE) {
                Gauge.builder("strata.jobs", this, m -> m.active(state, kind))
                        .description("Jobs queued or running now, by kind (job table, all nodes)")
                        .tag("kind", kind.name()).tag("state", state.name()).strongReference(true).register(registry);
            }
        }
        Gauge.builder("strata.jobs.queue.depth", this, m -> m.queued())
                .description("Jobs waiting for a worker (job table, all nodes)").strongReference(true).register(registry);
    }

    /** A job that ran on this node ended: counts the ending and times the run. */
    void ran(JobKind kind, JobState state, Duration took) {
        ended(kind, state);
        Timer.builder("strata.job.duration").description("How long jobs ran on this node's workers, by kind and outcome")
                .tag("kind", kind.name()).tag("outcome", state.name()).register(registry).record(took);
    }

    /** A job ended (ran, cancelled while queued, or interrupted): counted by kind and final state. */
    void ended(JobKind kind, JobState state) {
        Counter.builder("strata.jobs.ended").description("Jobs ended, by kind and final state (counted on the node that ended them)")
                .tag("kind", kind.name()).tag("state", state.name()).register(registry).increment();
    }

    private double active(JobState state, JobKind kind) {
        return fresh().getOrDefault(state, Map.of()).getOrDefault(kind, 0L);
    }

    private double queued() {
        return fresh().getOrDefault(JobState.QUEUED, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The counts, read again when older than {@link #REREAD}; the scrape runs on a worker thread. */
    private Map<JobState, Map<JobKind, Long>> fresh() {
        long now = System.nanoTime();
        if (!everRead || now - readAt > REREAD.toNanos()) {
            synchronized (this) {
                if (!everRead || now - readAt > REREAD.toNanos()) {
                    active = read();
                    everRead = true;
                    readAt = System.nanoTime();
                }
            }
        }
        return active;
    }

    private Map<JobState, Map<JobKind, Long>> read() {
        Map<JobState, Map<JobKind, Long>> counts = empty();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT state, kind, count(*) FROM job WHERE state IN ('QUEUED', 'RUNNING')"
                        + " GROUP BY state, kind")) {
            while (r.next()) {
                try {
                    counts.get(JobState.valueOf(r.getString(1))).put(JobKind.valueOf(r.getString(2)), r.getLong(3));
                } catch (IllegalArgumentException unknownKind) {
                    // a kind of a newer node's build: not labelled here
                }
            }
        } catch (SQLException e) {
            LOG.debugf("job counts for metrics not read: %s", e.getMessage());
            return active;
        }
        return counts;
    }

    private static Map<JobState, Map<JobKind, Long>> empty() {
        Map<JobState, Map<JobKind, Long>> m = new EnumMap<>(JobState.class);
        ACTIVE.forEach(s -> m.put(s, new EnumMap<>(JobKind.class)));
        return m;
    }
}

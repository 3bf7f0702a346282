package io.strata.hygiene;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Snapshots by health level (issue 14), from the same assessment the dashboard shows, over every VM.
 * The assessment reads the inventory cache, so a scrape reads it at most once per {@link #REREAD}.
 */
@Startup
@ApplicationScoped
public class HygieneMetrics {

    private static final Logger LOG = Logger.getLogger(HygieneMetrics.class);
    static final Duration REREAD = Duration.ofSeconds(30);

    @Inject
    MeterRegistry registry;
    @Inject
    SnapshotHealthService health;

    private volatile Map<Health, Long> counts = new EnumMap<>(Health.class);
    private volatile long readAt;
    private volatile boolean everRead;

    @PostConstruct
    void register() {
        for (Health level : Health.values()) {
            Gauge.builder("strata.snapshots", this, m -> m.count(level))
                    .description("Snapshots on all VMs by health level against the snapshot policy")
                    .tag("health", level.label()).strongReference(true).register(registry);
        }
    }

    private double count(Health level) {
        long now = System.nanoTime();
        if (!everRead || now - readAt > REREAD.toNanos()) {
            synchronized (this) {
                if (!everRead || now - readAt > REREAD.toNanos()) {
                    try {
                        Map<Health, Long> fresh = new EnumMap<>(Health.class);
                        for (SnapshotHealth s : health.assessAll(Instant.now())) {
                            fresh.merge(s.health(), 1L, Long::sum);
                        }
                        counts = fresh;
                    } catch (RuntimeException e) {
                        LOG.debugf("snapshot health for metrics not read: %s", e.getMessage());
                    }
                    everRead = true;
                    readAt = System.nanoTime();
                }
            }
        }
        return counts.getOrDefault(level, 0L);
    }
}

package io.strata.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/** Every strata.audit.anchor-interval: check what was appended since the latest anchor and anchor the head when it moved. */
@ApplicationScoped
public class AnchorSchedule {

    private static final Logger LOG = Logger.getLogger(AnchorSchedule.class);

    @Inject
    AuditVerifier verifier;

    @Scheduled(every = "${strata.audit.anchor-interval:60s}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            verifier.anchorTick();
        } catch (RuntimeException e) {
            LOG.error("audit anchor check failed", e);
        }
    }
}

package io.strata.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.smallrye.health.api.Wellness;

/**
 * DOWN (in /q/health and /q/health/well) while the audit key file is missing or not the chain's
 * key, or while the latest check of the chain on this node found it broken. Not a readiness
 * check: a tampered log is an alarm, not a reason to stop serving.
 */
@Wellness
@ApplicationScoped
public class AuditChainHealth implements HealthCheck {

    @Inject
    AuditKeys keys;
    @Inject
    AuditVerifier verifier;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("audit-chain").withData("keyFile", keys.file().toString());
        String keyProblem = keys.currentProblem();
        ChainVerification last = verifier.last();
        if (keyProblem != null) {
            return b.down().withData("problem", keyProblem).build();
        }
        if (last != null && !last.intact()) {
            return b.down().withData("problem", last.problem()).withData("scope", last.scope()).build();
        }
        return b.up().withData("lastCheck", last == null ? "none yet" : last.scope() + ", head " + last.headSeq()).build();
    }
}

package io.strata.bench;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.profile.IfBuildProfile;
import io.strata.job.JobContext;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;

/** Does nothing, so that a benchmark sees only the job engine. Exists only in the bench build. */
@ApplicationScoped
@IfBuildProfile("bench")
public class BenchNoopHandler implements JobHandler {

    @Override
    public JobKind kind() {
        return JobKind.BENCH_NOOP;
    }

    @Override
    public String run(JobContext ctx) {
        return null;
    }
}

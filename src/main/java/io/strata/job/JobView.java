package io.strata.job;

import java.time.Instant;
import java.util.List;

/** A job as the API shows it; {@code log} only on the single-job view. */
public record JobView(long id, String kind, String state, String host, String vm, String target, int progress,
                      String progressText, String actor, Instant createdAt, Instant startedAt, Instant finishedAt,
                      String result, String error, boolean cancelRequested, int attempts, List<LogLine> log) {

    public record LogLine(Instant at, String line) {
    }

    public static JobView of(Job j, List<JobLogLine> log) {
        return new JobView(j.id, j.kind.name(), j.state.name(), j.host, j.vm, j.target, j.progress, j.progressText,
                j.actor, j.createdAt, j.startedAt, j.finishedAt, j.result, j.error, j.cancelRequested, j.attempts,
                log == null ? null : log.stream().map(l -> new LogLine(l.at, l.line)).toList());
    }

    public boolean finished() {
        return JobState.valueOf(state).isFinished();
    }
}

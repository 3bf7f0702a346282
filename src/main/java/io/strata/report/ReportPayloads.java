package io.strata.report;

import io.strata.job.JobPayload;

/** The typed payloads of the report feature's jobs. */
public final class ReportPayloads {

    private ReportPayloads() {
    }

    /** CLEANUP_REPORT: {@code trigger} is cron or manual. */
    public record Cleanup(String trigger) implements JobPayload {
        public Cleanup {
            if (!"cron".equals(trigger) && !"manual".equals(trigger)) {
                throw new IllegalArgumentException("trigger must be cron or manual, not " + trigger);
            }
        }
    }

    /** ORPHAN_DELETE: the file, and the report that listed it as an orphan. */
    public record OrphanDelete(String path, long reportId) implements JobPayload {
        public OrphanDelete {
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("an absolute path is needed, not " + path);
            }
        }
    }
}

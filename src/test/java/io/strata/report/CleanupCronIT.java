package io.strata.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.strata.support.AppProcess;

/**
 * The cleanup report's cron fires on every node of a cluster, and each fire time makes exactly one
 * report: two app processes share one database, the cron fires every 4 s, and every fire time has
 * one row, one job and one report, while both nodes' logs show they fired for it.
 */
class CleanupCronIT {

    static final String EVERY_4_S = "-Dstrata.reports.cleanup.cron=0/4 * * * * ?";
    static final String DEBUG = "-Dquarkus.log.category.\"io.strata.report\".level=DEBUG";

    @Test
    void eachFireTimeMakesOneReportAcrossTwoNodes() throws Exception {
        try (AppProcess.SharedDb db = new AppProcess.SharedDb()) {
            AppProcess a = new AppProcess(db, 18093, "cron-a", EVERY_4_S, DEBUG);
            AppProcess b = new AppProcess(db, 18094, "cron-b", EVERY_4_S, DEBUG);
            try {
                a.start();
                b.start();
                long deadline = System.currentTimeMillis() + 120_000;
                while (System.currentTimeMillis() < deadline
                        && Long.parseLong(db.queryString("SELECT count(*) FROM cleanup_report_fire")) < 4) {
                    Thread.sleep(500);
                }
            } finally {
                a.stop();
                b.stop();
            }
            List<String> fireTimes = new ArrayList<>();
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT to_char(fire_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                         + " FROM cleanup_report_fire WHERE job_id IS NOT NULL ORDER BY fire_time")) {
                while (r.next()) {
                    fireTimes.add(r.getString(1));
                }
            }
            assertTrue(fireTimes.size() >= 4, "fired: " + fireTimes);
            assertEquals(db.queryString("SELECT count(*) FROM cleanup_report_fire"),
                    db.queryString("SELECT count(*) FROM job WHERE kind = 'CLEANUP_REPORT'"), "one job per fire time");
            assertEquals("0", db.queryString("SELECT count(*) FROM (SELECT job_id FROM cleanup_report_fire"
                    + " GROUP BY job_id HAVING count(*) > 1) x"));
            assertEquals("0", db.queryString("SELECT count(*) FROM cleanup_report GROUP BY job_id HAVING count(*) > 1"
                    + " UNION ALL SELECT 0 LIMIT 1"), "at most one report per job");
            String logA = Files.readString(Path.of("target", "it-app-cron-a.log"));
            String logB = Files.readString(Path.of("target", "it-app-cron-b.log"));
            int both = 0;
            for (String t : fireTimes) {
                boolean inA = logA.contains("cleanup report of " + t);
                boolean inB = logB.contains("cleanup report of " + t);
                int queued = (logA.contains("cleanup report of " + t + " queued") ? 1 : 0)
                        + (logB.contains("cleanup report of " + t + " queued") ? 1 : 0);
                assertEquals(1, queued, "exactly one node queued the report of " + t);
                if (inA && inB) {
                    both++;
                }
            }
            assertTrue(both >= 1, "both nodes fired for the same time at least once: " + fireTimes);
            assertEquals("0", db.queryString("SELECT count(*) FROM job WHERE kind = 'CLEANUP_REPORT' AND payload->>'trigger' <> 'cron'"));
        }
    }
}

package io.strata.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.strata.support.LibvirtHost;

/**
 * Kills the app (SIGKILL) at a random moment of each job kind that changes disks, restarts it,
 * lets it reconcile and checks {@link Invariants}; or, with {@code -Dfaults.fault=}, restarts a
 * private PostgreSQL or libvirtd, or fills the disk, instead. {@code ./strata faults [kinds] [runs]}
 * runs it with {@code -Dfaults.kinds=a,b|all -Dfaults.runs=N [-Dfaults.seed=S] [-Dfaults.port=P]};
 * without them (as in
 * {@code mvn verify}) it is the short form: one run of a few kinds. Every run prints its seed;
 * {@code -Dfaults.seed} replays the same moments. The table goes to target/faults-report.md.
 */
class FaultSuiteIT {

    static final String SHORT_FORM = "snapshot-delete-live,disk-convert";

    @AfterAll
    static void cleanup() {
        LibvirtHost.cleanup();
    }

    @Test
    void everyKindSurvivesTheAppsDeathMidJob() throws Exception {
        String kindsProp = System.getProperty("faults.kinds", SHORT_FORM);
        List<FaultKind> kinds = new ArrayList<>();
        for (String id : (kindsProp.equals("all") ? FaultKind.ids() : kindsProp).split(",")) {
            if (!id.isBlank()) {
                kinds.add(FaultKind.byId(id.strip()));
            }
        }
        int runs = Integer.parseInt(System.getProperty("faults.runs", "1"));
        long suiteSeed = Long.parseLong(System.getProperty("faults.seed", String.valueOf(System.nanoTime())));
        FaultSuite.Fault fault = FaultSuite.Fault.of(System.getProperty("faults.fault", "app-kill"));
        System.out.println("fault suite: fault=" + fault + " kinds=" + kinds + " runs=" + runs + " seed=" + suiteSeed);
        Random seeds = new Random(suiteSeed);
        List<FaultSuite.Run> results = new ArrayList<>();
        FaultSuite used = null;
        try (FaultSuite suite = new FaultSuite(fault)) {
            used = suite;
            for (FaultKind k : kinds) {
                for (int n = 0; n < runs; n++) {
                    long seed = seeds.nextLong();
                    FaultSuite.Run r;
                    try {
                        r = suite.run(k, n, seed);
                    } catch (Exception | AssertionError e) {
                        r = new FaultSuite.Run(k, n, seed, -1, "ERROR", false, 0, List.of("run failed: " + e));
                    }
                    System.out.printf("fault run %s #%d seed=%d kill-after=%d ms job=%s%s reconcile=%.1f s violations=%s%n",
                            k.id, n, seed, r.killAfterMs(), r.jobState(), r.endedBeforeKill() ? " (ended before the kill)" : "",
                            r.reconcileSeconds(), r.violations());
                    results.add(r);
                }
            }
        } finally {
            LibvirtHost.cleanup(); // domains first: a mounted small storage goes only once nothing uses it
            if (used != null) {
                used.unmountSmall();
            }
        }
        String table = table(results, suiteSeed, fault);
        System.out.println(table);
        Files.writeString(Path.of("target", "faults-report-" + fault.name().toLowerCase() + ".md"), table);
        long violations = results.stream().mapToLong(r -> r.violations().size()).sum();
        assertEquals(0, violations, "violations (replay with -Dfaults.seed=" + suiteSeed + "):\n" + table);
    }

    static String table(List<FaultSuite.Run> results, long suiteSeed, FaultSuite.Fault fault) {
        StringBuilder t = new StringBuilder("Fault suite (" + fault + "), " + Instant.now() + ", seed " + suiteSeed + ", load "
                + loadAverage() + "\n\n| Kind | Runs | Killed mid-job | Ended INTERRUPTED / SUCCEEDED / other | Violations"
                + " | Fault → job final (s, max) |\n|---|---|---|---|---|---|\n");
        for (FaultKind k : FaultKind.values()) {
            List<FaultSuite.Run> rs = results.stream().filter(r -> r.kind() == k).toList();
            if (rs.isEmpty()) {
                continue;
            }
            long mid = rs.stream().filter(r -> !r.endedBeforeKill() && !r.jobState().equals("ERROR")).count();
            long interrupted = rs.stream().filter(r -> r.jobState().equals("INTERRUPTED")).count();
            long succeeded = rs.stream().filter(r -> r.jobState().equals("SUCCEEDED")).count();
            long v = rs.stream().mapToLong(r -> r.violations().size()).sum();
            double max = rs.stream().mapToDouble(FaultSuite.Run::reconcileSeconds).max().orElse(0);
            t.append(String.format("| %s | %d | %d | %d / %d / %d | %d | %.1f |%n", k.id, rs.size(), mid, interrupted,
                    succeeded, rs.size() - interrupted - succeeded, v, max));
        }
        for (FaultSuite.Run r : results) {
            for (String v : r.violations()) {
                t.append("\n- ").append(r.kind().id).append(" #").append(r.n()).append(" seed ").append(r.seed())
                        .append(": ").append(v);
            }
        }
        return t.append('\n').toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}

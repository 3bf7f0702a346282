package io.strata.audit;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.strata.kernel.Caller;
import io.strata.support.TestDatabase;

/**
 * Not a test (no assertions on time; run it on purpose): {@code mvn -o verify -Dtest=AuditVerifyBench
 * -Dstrata.bench.events=1000000 ...}. Generates the events with their real seals (COPY, as the
 * database superuser), then measures the page's check since the anchor, the full walk and appends.
 */
@QuarkusTest
@TestProfile(AuditTamperProfile.class)
class AuditVerifyBench {

    @Inject
    AuditVerifier verifier;
    @Inject
    AuditKeys keys;
    @Inject
    AuditLog audit;

    @Test
    void measure() throws Exception {
        int n = Integer.getInteger("strata.bench.events", 1_000_000);
        long t0 = System.nanoTime();
        generate(n);
        log("generated and copied %d sealed events in %.1f s", n, (System.nanoTime() - t0) / 1e9);
        long count = TestDatabase.queryLong("SELECT count(*) FROM audit_event");
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE audit_event");
        }
        for (int round = 1; round <= 2; round++) {
            long t = System.nanoTime();
            ChainVerification full = verifier.full();
            log("full walk %d: %d events in %.2f s wall (%d ms reported), intact=%s", round, full.eventsChecked(),
                    (System.nanoTime() - t) / 1e9, full.millis(), full.intact());
        }
        // Appends since the anchor (what a page view checks), then 200 page views.
        Caller who = new Caller("bench", Set.of("admin"), "127.0.0.1");
        for (int i = 0; i < 50; i++) {
            QuarkusTransaction.requiringNew().run(() -> audit.record(who, "bench.append", "x", null, Outcome.SUCCESS, "after the anchor"));
        }
        List<Double> quick = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long t = System.nanoTime();
            ChainVerification v = verifier.sinceAnchor();
            quick.add((System.nanoTime() - t) / 1e6);
            if (!v.intact()) {
                throw new AssertionError(v.toString());
            }
        }
        Collections.sort(quick);
        log("since-anchor check with %d events in the table, 50 after the anchor: p50 %.1f ms, p95 %.1f ms, max %.1f ms",
                count, quick.get(100), quick.get(190), quick.get(199));
        // Appends per second with the chain (each its own transaction, as a refusal's event is).
        for (int threads : new int[] { 1, 4 }) {
            int per = 500;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long t = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < per; i++) {
                        QuarkusTransaction.requiringNew().run(() -> audit.record(who, "bench.append", "x", null, Outcome.SUCCESS, "append"));
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            pool.shutdown();
            double secs = (System.nanoTime() - t) / 1e9;
            log("appends: %d threads x %d in %.2f s = %.0f appends/s", threads, per, secs, threads * per / secs);
        }
        ChainVerification end = verifier.full();
        log("final full walk: intact=%s, %d events, %d ms", end.intact(), end.eventsChecked(), end.millis());
    }

    /** Sealed events after the current head, written with COPY in chunks. */
    private void generate(int n) throws Exception {
        byte[] key = keys.signingKey();
        long seq;
        String prev;
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")) {
            r.next();
            seq = r.getLong(1);
            prev = r.getString(2);
        }
        Instant at = Instant.now().minus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS);
        String[] actions = { "snapshot.create", "snapshot.revert", "snapshot.delete", "vm.start", "login" };
        try (Connection c = TestDatabase.connect()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            int done = 0;
            while (done < n) {
                StringBuilder b = new StringBuilder(1 << 20);
                int chunk = Math.min(50_000, n - done);
                for (int i = 0; i < chunk; i++) {
                    AuditEvent e = new AuditEvent();
                    e.seq = ++seq;
                    e.at = at.plusMillis(seq * 2);
                    e.actor = "user" + (seq % 40);
                    e.roles = "user";
                    e.source = "10.0.0." + (seq % 200);
                    e.action = actions[(int) (seq % actions.length)];
                    e.target = "local/vm-" + (seq % 500);
                    e.jobId = null;
                    e.outcome = Outcome.values()[(int) (seq % 3)];
                    e.details = "generated event " + seq + " for the benchmark";
                    e.prevHash = prev;
                    e.hash = AuditChain.mac(key, e);
                    prev = e.hash;
                    b.append(e.seq).append('\t').append(DateTimeFormatter.ISO_INSTANT.format(e.at)).append('\t').append(e.actor)
                            .append('\t').append(e.roles).append('\t').append(e.source).append('\t').append(e.action).append('\t')
                            .append(e.target).append("\t\\N\t").append(e.outcome.name()).append('\t').append(e.details).append('\t')
                            .append(e.prevHash).append('\t').append(e.hash).append('\n');
                }
                pg.getCopyAPI().copyIn("COPY audit_event(seq, at, actor, roles, source, action, target, job_id, outcome, details, "
                        + "prev_hash, hash) FROM STDIN", new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)));
                done += chunk;
            }
            try (Statement s = c.createStatement()) {
                s.execute("SELECT setval('audit_event_seq', " + seq + ")");
            }
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("[audit-bench] " + String.format(format, args));
    }
}

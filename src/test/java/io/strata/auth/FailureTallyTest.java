package io.strata.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class FailureTallyTest {

    static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

    static FailureTally.Key basic(String user, String address) {
        return new FailureTally.Key("login", "basic", user, address);
    }

    @Test
    void repeatedFailuresOfOneNameFromOneAddressBecomeOneEventWithACount() {
        FailureTally t = new FailureTally(100);
        for (int i = 0; i < 30; i++) {
            t.offer(basic("mallory", "192.0.2.7"), "HTTP Basic authentication failed for GET /api/hosts", T0.plusSeconds(i));
        }
        t.offer(basic("mallory", "192.0.2.8"), "HTTP Basic authentication failed for GET /api/jobs", T0);
        t.offer(new FailureTally.Key("login", "form", "mallory", "192.0.2.7"), "form login failed", T0);
        FailureTally.Flush f = t.flush();
        assertEquals(3, f.tallies().size(), "one per name, kind and address");
        FailureTally.Tally many = f.tallies().stream().max(Comparator.comparingInt(FailureTally.Tally::count)).orElseThrow();
        assertEquals(30, many.count());
        assertEquals("30 times from 2026-11-26T09:00:00Z to 2026-11-26T09:00:29Z, first: HTTP Basic authentication failed"
                + " for GET /api/hosts", many.details());
        assertEquals(0, f.dropped());
        assertEquals(0, t.flush().tallies().size(), "a flush takes everything: the next window starts empty");
    }

    @Test
    void aFullTallyCountsWhatItCannotKeepAndNeverGrows() {
        FailureTally t = new FailureTally(10);
        for (int i = 0; i < 10_000; i++) {
            t.offer(basic("name-" + i, "198.51.100." + (i % 250)), "HTTP Basic authentication failed", T0);
        }
        assertEquals(10, t.size(), "bounded");
        assertTrue(t.offer(basic("name-3", "198.51.100.3"), "again", T0), "a key already kept still counts");
        assertFalse(t.offer(basic("someone-new", "203.0.113.1"), "x", T0));
        t.notRecorded(5);
        FailureTally.Flush f = t.flush();
        assertEquals(10, f.tallies().size());
        assertEquals(10_000 - 10 + 1 + 5, f.dropped(), "every failure not kept is counted");
        assertEquals(0, t.flush().dropped(), "and reported once");
    }

    @Test
    void concurrentOffersAndFlushesLoseNothing() throws Exception {
        FailureTally t = new FailureTally(50);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long[] flushed = new long[1];
        for (int w = 0; w < 4; w++) {
            int worker = w;
            pool.submit(() -> {
                for (int i = 0; i < 25_000; i++) {
                    t.offer(basic("u" + (i % 20), "10.0.0." + worker), "x", T0);
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        pool.shutdown();
        while (!pool.isTerminated() && System.nanoTime() < deadline) {
            FailureTally.Flush f = t.flush();
            flushed[0] += sum(f.tallies()) + f.dropped();
        }
        FailureTally.Flush f = t.flush();
        flushed[0] += sum(f.tallies()) + f.dropped();
        assertEquals(100_000, flushed[0], "every failure counted exactly once, kept or not recorded");
    }

    private static long sum(List<FailureTally.Tally> tallies) {
        return tallies.stream().mapToLong(FailureTally.Tally::count).sum();
    }
}

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
            t.offer(basic("mallory", "192.0.2.7"), true, "HTTP Basic authentication failed for GET /api/hosts", T0.plusSeconds(i));
        }
        t.offer(basic("mallory", "192.0.2.8"), true, "HTTP Basic authentication failed for GET /api/jobs", T0);
        t.offer(new FailureTally.Key("login", "form", "mallory", "192.0.2.7"), true, "form login failed", T0);
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
            t.offer(basic("name-" + i, "198.51.100." + (i % 250)), false, "HTTP Basic authentication failed", T0);
        }
        assertEquals(20, t.size(), "bounded: 10 names, then 10 address buckets");
        assertTrue(t.offer(basic("name-0", "198.51.100.0"), false, "again", T0), "a key already kept still counts");
        assertFalse(t.offer(basic("someone-new", "203.0.113.1"), false, "x", T0), "a new address finds its pool full");
        t.notRecorded(5);
        FailureTally.Flush f = t.flush();
        assertEquals(20, f.tallies().size());
        long kept = f.tallies().stream().mapToLong(FailureTally.Tally::count).sum();
        assertEquals(10_000 + 1 + 1 + 5, kept + f.dropped(), "every failure kept or counted as not recorded");
        assertEquals(0, t.flush().dropped(), "and reported once");
    }

    /**
     * Made-up names cost nothing to send: however many, from one address or from many, they cannot
     * push out the tally of a real account, and from one address they fold into one bucket.
     */
    @Test
    void junkNamesNeitherEvictRealAccountsNorGrowTheTally() {
        FailureTally t = new FailureTally(100);
        for (int i = 0; i < 100_000; i++) {
            t.offer(basic("junk-" + i, "192.0.2.66"), false, "HTTP Basic authentication failed", T0.plusMillis(i));
        }
        assertEquals(FailureTally.NAMES_PER_ADDRESS + 1, t.size(), "one address: a few names, then one bucket");
        for (int i = 0; i < 100_000; i++) {
            t.offer(basic("junk-" + i, "2001:db8::" + Integer.toHexString(i)), false, "HTTP Basic authentication failed", T0);
        }
        assertTrue(t.size() <= 300, "bounded under a spray of names and addresses: " + t.size());
        assertTrue(t.offer(basic("alice", "192.0.2.10"), true, "HTTP Basic authentication failed", T0),
                "a real account's failure is still tallied after the flood");
        for (int i = 0; i < 500; i++) {
            assertTrue(t.offer(basic("alice", "198.51.100." + (i % 250) + "." + i), true, "guess", T0));
        }
        FailureTally.Flush f = t.flush();
        long alice = f.tallies().stream().filter(x -> x.key().user().equals("alice")).mapToLong(FailureTally.Tally::count).sum();
        assertEquals(501, alice, "every failure of the real account counted");
        FailureTally.Tally bucket = f.tallies().stream().filter(x -> "192.0.2.66".equals(x.key().address())
                && x.key().user().equals(FailureTally.NO_ACCOUNT)).findFirst().orElseThrow();
        assertEquals(100_000 - FailureTally.NAMES_PER_ADDRESS, bucket.count(), "the rest of that address's names in one event");
        assertTrue(bucket.details().contains("name tried: junk-" + FailureTally.NAMES_PER_ADDRESS), bucket.details());
        long kept = f.tallies().stream().mapToLong(FailureTally.Tally::count).sum();
        assertEquals(200_000 + 501, kept + f.dropped(), "nothing lost uncounted");
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
                    t.offer(basic("u" + (i % 20), "10.0.0." + worker), i % 2 == 0, "x", T0);
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

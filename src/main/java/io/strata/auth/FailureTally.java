package io.strata.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failures that anyone can cause without an account (failed logins, requests without
 * credentials), counted between two flushes instead of written one by one: the same failure of
 * the same name from the same address within a window becomes one audit event with a count.
 * {@link #offer} never blocks (it runs on the IO thread) and the tally never holds more than
 * {@code capacity} keys: beyond that a failure is only counted as not recorded, and the next
 * flush writes that number as an event of its own.
 */
final class FailureTally {

    /** What failed, for whom, from where. */
    record Key(String action, String kind, String user, String address) {
    }

    /** One key's failures since the last flush. */
    record Tally(Key key, String firstDetails, int count, Instant first, Instant last) {

        /** The event text: the first failure's details, and how many there were when more than one. */
        String details() {
            return count == 1 ? firstDetails
                    : count + " times from " + first + " to " + last + ", first: " + firstDetails;
        }
    }

    /** What one flush takes: the tallies and the number of failures that found the tally full. */
    record Flush(List<Tally> tallies, long dropped) {
    }

    private final int capacity;
    private final ConcurrentHashMap<Key, Tally> pending = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    FailureTally(int capacity) {
        this.capacity = capacity;
    }

    /** Counts a failure; false when the tally was full and the failure is only counted as not recorded. */
    boolean offer(Key key, String details, Instant now) {
        if (!pending.containsKey(key) && pending.size() >= capacity) {
            dropped.incrementAndGet();
            return false;
        }
        pending.merge(key, new Tally(key, details, 1, now, now),
                (a, b) -> new Tally(key, a.firstDetails(), a.count() + 1, a.first(), now));
        return true;
    }

    /** Counts failures that could not even be tallied (e.g. the writer's queue was full). */
    void notRecorded(long n) {
        dropped.addAndGet(n);
    }

    /** Takes every tally (each key's removal is atomic with its merges: no failure is lost or counted twice). */
    Flush flush() {
        List<Tally> out = new ArrayList<>();
        for (Key k : pending.keySet()) {
            Tally t = pending.remove(k);
            if (t != null) {
                out.add(t);
            }
        }
        return new Flush(out, dropped.getAndSet(0));
    }

    int size() {
        return pending.size();
    }
}

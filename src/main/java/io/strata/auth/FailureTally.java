package io.strata.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Failures that anyone can cause without an account (failed logins, requests without
 * credentials), counted between two flushes instead of written one by one: the same failure of
 * the same name from the same address within a window becomes one audit event with a count.
 * {@link #offer} never blocks for long (it runs on the IO thread) and the tally is bounded.
 * <p>
 * Made-up names cost an attacker nothing, so they must not crowd out what matters. The keys live in
 * three pools of {@code capacity} each:
 * <ul>
 * <li>names of real accounts (per name and address; when full, per name from any address, which the
 * accounts themselves bound): junk names never reach this pool;</li>
 * <li>names that are no account, per name and address, at most {@value #NAMES_PER_ADDRESS} per
 * address; further ones from that address (or any once this pool is full) go to</li>
 * <li>one bucket per address ({@value #NO_ACCOUNT}), which also holds the requests without
 * credentials of each address.</li>
 * </ul>
 * A failure that finds its pool full is counted as not recorded, and the next flush writes that number.
 */
final class FailureTally {

    /** The name under which failures for names that are no account are tallied per address. */
    static final String NO_ACCOUNT = "(names that are no account)";
    static final int NAMES_PER_ADDRESS = 10;

    /** What failed, for whom, from where ({@code address} null: from several addresses). */
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
    private final Map<Key, Tally> accounts = new HashMap<>();
    private final Map<Key, Tally> names = new HashMap<>();
    private final Map<Key, Tally> addresses = new HashMap<>();
    private final Map<String, Integer> namesPerAddress = new HashMap<>();
    private long dropped;

    FailureTally(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Counts a failure; {@code account} says whether the key's name is a real account. False when
     * its pool was full and the failure is only counted as not recorded.
     */
    synchronized boolean offer(Key key, boolean account, String details, Instant now) {
        if (account) {
            if (accounts.containsKey(key) || accounts.size() < capacity) {
                return count(accounts, key, details, now);
            }
            // Guessed from many addresses: still counted per account, the addresses folded.
            return count(accounts, new Key(key.action(), key.kind(), key.user(), null), details, now);
        }
        if (names.containsKey(key)) {
            return count(names, key, details, now);
        }
        if (!NO_ACCOUNT.equals(key.user()) && names.size() < capacity
                && namesPerAddress.getOrDefault(String.valueOf(key.address()), 0) < NAMES_PER_ADDRESS) {
            namesPerAddress.merge(String.valueOf(key.address()), 1, Integer::sum);
            return count(names, key, details, now);
        }
        Key bucket = new Key(key.action(), key.kind(), NO_ACCOUNT, key.address());
        String said = NO_ACCOUNT.equals(key.user()) ? details : details + " (name tried: " + key.user() + ")";
        if (addresses.containsKey(bucket) || addresses.size() < capacity) {
            return count(addresses, bucket, said, now);
        }
        dropped++;
        return false;
    }

    /** Counts a failure of a request without a name (no credentials) in the address pool. */
    synchronized boolean offerAnonymous(Key key, String details, Instant now) {
        if (addresses.containsKey(key) || addresses.size() < capacity) {
            return count(addresses, key, details, now);
        }
        dropped++;
        return false;
    }

    private static boolean count(Map<Key, Tally> pool, Key key, String details, Instant now) {
        pool.merge(key, new Tally(key, details, 1, now, now),
                (a, b) -> new Tally(key, a.firstDetails(), a.count() + 1, a.first(), now));
        return true;
    }

    /** Counts failures that could not even be tallied (e.g. the writer's queue was full). */
    synchronized void notRecorded(long n) {
        dropped += n;
    }

    /** Takes every tally: the next window starts empty. */
    synchronized Flush flush() {
        List<Tally> out = new ArrayList<>(accounts.values());
        out.addAll(names.values());
        out.addAll(addresses.values());
        accounts.clear();
        names.clear();
        addresses.clear();
        namesPerAddress.clear();
        long d = dropped;
        dropped = 0;
        return new Flush(out, d);
    }

    synchronized int size() {
        return accounts.size() + names.size() + addresses.size();
    }
}

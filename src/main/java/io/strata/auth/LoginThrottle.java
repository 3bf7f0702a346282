package io.strata.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Slows password guessing, per account and per source address, in this node's memory:
 * <ul>
 * <li>an account is locked after {@value #ACCOUNT_FREE} failures in a row, for 30 s, doubling with
 * each further failure up to 15 min; a success clears it;</li>
 * <li>an address is locked for 5 min after {@value #ADDRESS_FREE} failures within 10 min, whatever
 * accounts it tried.</li>
 * </ul>
 * While locked, a login is refused without checking the password (so a right guess is not
 * confirmed either). Names that are no account lock the same way (a lock must not tell which names
 * exist), but in a map of their own: a flood of made-up names may empty that map, never the locks of
 * real accounts. Several nodes each keep their own counts: the limits multiply by the node count.
 */
@ApplicationScoped
public class LoginThrottle {

    static final int ACCOUNT_FREE = 5;
    static final int ADDRESS_FREE = 20;
    static final Duration ACCOUNT_FIRST_LOCK = Duration.ofSeconds(30);
    static final Duration ACCOUNT_MAX_LOCK = Duration.ofMinutes(15);
    static final Duration ADDRESS_WINDOW = Duration.ofMinutes(10);
    static final Duration ADDRESS_LOCK = Duration.ofMinutes(5);
    static final int MAX_TRACKED = 100_000;
    private static final int HARD_LIMIT = 4 * MAX_TRACKED;

    /** Failures in a row and the end of the current lock. */
    record Failures(int count, Instant since, Instant lockedUntil) {
    }

    /**
     * Failures an address may have within the window before it is locked. The test profile,
     * whose every login comes from 127.0.0.1, raises it: one test's probes must not lock the next.
     */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "strata.login.address-failures", defaultValue = "20")
    int addressFree = ADDRESS_FREE;

    private final Map<String, Failures> accounts = new ConcurrentHashMap<>();
    private final Map<String, Failures> noAccounts = new ConcurrentHashMap<>();
    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();

    /** How long logins of this account from this address stay refused; zero when they may try. */
    public Duration lockedFor(String account, String address, Instant now) {
        Failures byName = accounts.get(account);
        Duration a = remaining(byName != null ? byName : noAccounts.get(account), now);
        Duration b = address == null ? Duration.ZERO : remaining(addresses.get(address), now);
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** A failed login of {@code account}, which {@code exists} or is a name that is no account. */
    public void failed(String account, boolean exists, String address, Instant now) {
        bound(now);
        (exists ? accounts : noAccounts).compute(account, (k, f) -> {
            int count = f == null ? 1 : f.count() + 1;
            Instant until = null;
            if (count >= ACCOUNT_FREE) {
                Duration lock = ACCOUNT_FIRST_LOCK.multipliedBy(1L << Math.min(count - ACCOUNT_FREE, 10));
                until = now.plus(lock.compareTo(ACCOUNT_MAX_LOCK) > 0 ? ACCOUNT_MAX_LOCK : lock);
            }
            return new Failures(count, f == null ? now : f.since(), until);
        });
        if (address != null) {
            addresses.compute(address, (k, f) -> {
                boolean fresh = f == null || f.since().plus(ADDRESS_WINDOW).isBefore(now);
                int count = fresh ? 1 : f.count() + 1;
                Instant since = fresh ? now : f.since();
                return new Failures(count, since, count >= addressFree ? now.plus(ADDRESS_LOCK) : null);
            });
        }
    }

    public void succeeded(String account) {
        accounts.remove(account);
        noAccounts.remove(account); // (made since the name failed)
    }

    private static Duration remaining(Failures f, Instant now) {
        if (f == null || f.lockedUntil() == null || !f.lockedUntil().isAfter(now)) {
            return Duration.ZERO;
        }
        return Duration.between(now, f.lockedUntil());
    }

    /**
     * A flood of made-up names or addresses must not grow the maps without end. The accounts' map
     * holds real accounts only, which the users table bounds: it is never emptied. The others, when
     * full, lose the entries that lock nothing: emptying them wholesale unlocked a made-up name
     * while a real one stayed locked, which told (by the answer's speed) which names are accounts.
     * Only past {@link #HARD_LIMIT} (locks from that many addresses) do they go entirely.
     */
    private void bound(Instant now) {
        for (Map<String, Failures> m : List.of(noAccounts, addresses)) {
            if (m.size() > MAX_TRACKED) {
                m.values().removeIf(f -> remaining(f, now).isZero());
                if (m.size() > HARD_LIMIT) {
                    m.clear();
                }
            }
        }
    }
}

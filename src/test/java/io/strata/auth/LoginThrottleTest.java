package io.strata.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    static final Instant T0 = Instant.parse("2026-11-26T06:00:00Z");

    @Test
    void anAccountIsLockedAfterFiveFailuresInARowAndTheLockDoubles() {
        LoginThrottle t = new LoginThrottle();
        for (int i = 0; i < 4; i++) {
            t.failed("alice", true, "10.0.0." + i, T0);
        }
        assertEquals(Duration.ZERO, t.lockedFor("alice", "10.0.0.9", T0), "four failures: still free");
        t.failed("alice", true, "10.0.0.5", T0);
        assertEquals(Duration.ofSeconds(30), t.lockedFor("alice", "10.0.0.9", T0), "from any address");
        t.failed("alice", true, "10.0.0.5", T0);
        assertEquals(Duration.ofSeconds(60), t.lockedFor("alice", null, T0));
        for (int i = 0; i < 20; i++) {
            t.failed("alice", true, null, T0);
        }
        assertEquals(Duration.ofMinutes(15), t.lockedFor("alice", null, T0), "capped");
        assertEquals(Duration.ZERO, t.lockedFor("alice", null, T0.plus(Duration.ofMinutes(16))));
        assertEquals(Duration.ZERO, t.lockedFor("bob", null, T0), "other accounts are not touched");
        t.succeeded("alice");
        assertEquals(Duration.ZERO, t.lockedFor("alice", null, T0));
    }

    @Test
    void anAddressSprayingManyAccountsIsLocked() {
        LoginThrottle t = new LoginThrottle();
        for (int i = 0; i < 19; i++) {
            t.failed("user" + i, true, "192.0.2.7", T0.plusSeconds(i));
        }
        assertEquals(Duration.ZERO, t.lockedFor("someone", "192.0.2.7", T0.plusSeconds(20)));
        t.failed("user19", true, "192.0.2.7", T0.plusSeconds(20));
        assertEquals(Duration.ofMinutes(5), t.lockedFor("someone", "192.0.2.7", T0.plusSeconds(20)));
        assertEquals(Duration.ZERO, t.lockedFor("someone", "192.0.2.8", T0.plusSeconds(20)), "other addresses are not");
        // Failures spread wider than the window start over.
        LoginThrottle slow = new LoginThrottle();
        for (int i = 0; i < 40; i++) {
            slow.failed("u" + i, true, "192.0.2.9", T0.plus(Duration.ofMinutes(11L * i)));
        }
        assertEquals(Duration.ZERO, slow.lockedFor("x", "192.0.2.9", T0.plus(Duration.ofMinutes(11L * 40))));
    }

    /** A flood of made-up names empties only their own map: a real account stays locked. */
    @Test
    void aFloodOfMadeUpNamesDoesNotUnlockARealAccount() {
        LoginThrottle t = new LoginThrottle();
        for (int i = 0; i < LoginThrottle.ACCOUNT_FREE; i++) {
            t.failed("alice", true, null, T0);
        }
        assertEquals(Duration.ofSeconds(30), t.lockedFor("alice", null, T0));
        for (int i = 0; i < 100_002; i++) {
            t.failed("junk-" + i, false, null, T0);
        }
        assertEquals(Duration.ofSeconds(30), t.lockedFor("alice", null, T0), "still locked after the flood");
        for (int i = 0; i < LoginThrottle.ACCOUNT_FREE; i++) {
            t.failed("nobody", false, null, T0);
        }
        assertEquals(Duration.ofSeconds(30), t.lockedFor("nobody", null, T0), "a name that is no account locks alike");
    }

    /**
     * A flood of made-up names emptied the map of names that are no account, unlocking a locked
     * made-up name while a real account stayed locked: by the answer's speed (no password check
     * while locked) that told which names are accounts. Locked names stay through a flood.
     */
    @Test
    void aFloodOfNamesDoesNotUnlockALockedNameThatIsNoAccount() {
        LoginThrottle t = new LoginThrottle();
        for (int i = 0; i < 5; i++) {
            t.failed("alice", true, "10.1.0." + i, T0);
            t.failed("ghost", false, "10.2.0." + i, T0);
        }
        for (int i = 0; i <= LoginThrottle.MAX_TRACKED + 1; i++) {
            t.failed("junk" + i, false, "2001:db8::" + Integer.toHexString(i), T0);
        }
        assertEquals(Duration.ofSeconds(30), t.lockedFor("alice", null, T0));
        assertEquals(Duration.ofSeconds(30), t.lockedFor("ghost", null, T0), "locked like a real account");
    }
}

package io.strata.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The pure assessment: each rule on its own, at and around its threshold, and how they combine. */
class HealthAssessmentTest {

    static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");
    static final PolicyValues P = PolicyValues.DEFAULTS;

    static SnapshotFacts facts(Duration age) {
        return new SnapshotFacts("s", NOW.minus(age), 1, 0, null, null, false, false, null);
    }

    static Assessment assess(SnapshotFacts f) {
        return HealthAssessment.assess(P, f, NOW);
    }

    @Test
    void youngSnapshotIsOkWithNoReasonsAndALeaseOfTheWarnAge() {
        Assessment a = assess(facts(Duration.ofHours(5)));
        assertEquals(Health.OK, a.health());
        assertEquals(List.of(), a.reasons());
        assertEquals(NOW.minus(Duration.ofHours(5)).plus(Duration.ofDays(3)), a.leaseUntil());
        assertFalse(a.leaseExpired());
    }

    @Test
    void exactlyTheWarnAgeIsStillOkAndOneSecondMoreWarnsWithTheLeaseExpired() {
        assertEquals(Health.OK, assess(facts(Duration.ofDays(3))).health());
        Assessment a = assess(facts(Duration.ofDays(3).plusSeconds(1)));
        assertEquals(Health.WARN, a.health());
        assertTrue(a.leaseExpired());
        assertEquals("age 3 d 0 h > 3 d", a.reasons().get(0));
        assertTrue(a.reasons().get(1).startsWith("lease expired 2026-11-26 05:59 UTC"), a.reasons().toString());
    }

    @Test
    void pastTheCriticalAgeIsCritical() {
        Assessment a = assess(facts(Duration.ofDays(16)));
        assertEquals(Health.CRITICAL, a.health());
        assertEquals("age 16 d 0 h > 14 d", a.reasons().get(0));
    }

    @Test
    void aRunningExtendedLeaseSilencesTheAgeButNotTheOtherRules() {
        SnapshotFacts f = new SnapshotFacts("s", NOW.minus(Duration.ofDays(16)), 5, 0, null, null, false, false,
                NOW.plus(Duration.ofDays(2)));
        Assessment a = assess(f);
        assertEquals(Health.WARN, a.health());
        assertEquals(List.of("5 snapshots on this VM > 3"), a.reasons());
        assertFalse(a.leaseExpired());
    }

    @Test
    void anExpiredExtendedLeaseWarnsAndTheAgeCountsAgain() {
        SnapshotFacts f = new SnapshotFacts("s", NOW.minus(Duration.ofDays(5)), 1, 0, null, null, false, false,
                NOW.minus(Duration.ofHours(1)));
        Assessment a = assess(f);
        assertEquals(Health.WARN, a.health());
        assertTrue(a.leaseExpired());
        assertEquals(2, a.reasons().size(), a.reasons().toString());
    }

    @Test
    void countsAboveWarnAndCritical() {
        assertEquals(Health.OK, assess(new SnapshotFacts("s", NOW, 3, 0, null, null, false, false, null)).health());
        Assessment warn = assess(new SnapshotFacts("s", NOW, 4, 0, null, null, false, false, null));
        assertEquals(Health.WARN, warn.health());
        assertEquals(List.of("4 snapshots on this VM > 3"), warn.reasons());
        assertEquals(Health.WARN, assess(new SnapshotFacts("s", NOW, 8, 0, null, null, false, false, null)).health());
        Assessment crit = assess(new SnapshotFacts("s", NOW, 9, 0, null, null, false, false, null));
        assertEquals(Health.CRITICAL, crit.health());
        assertEquals(List.of("9 snapshots on this VM > 8"), crit.reasons());
    }

    @Test
    void externalChainDeeperThanTheLimitIsCritical() {
        assertEquals(Health.OK, assess(new SnapshotFacts("s", NOW, 1, 5, null, null, false, false, null)).health());
        Assessment a = assess(new SnapshotFacts("s", NOW, 1, 6, null, null, false, false, null));
        assertEquals(Health.CRITICAL, a.health());
        assertEquals(List.of("chain depth 6 > 5"), a.reasons());
    }

    @Test
    void overlayAboveTheShareOfItsImageWarns() {
        long image = 100L << 20;
        assertEquals(Health.OK, assess(new SnapshotFacts("s", NOW, 1, 1, 50L << 20, image, false, false, null)).health());
        Assessment a = assess(new SnapshotFacts("s", NOW, 1, 1, 60L << 20, image, false, false, null));
        assertEquals(Health.WARN, a.health());
        assertEquals(List.of("overlay 60 MiB = 60 % of the image's 100 MiB > 50 %"), a.reasons());
        // Unknown sizes (internal snapshots) never warn.
        assertEquals(Health.OK, assess(new SnapshotFacts("s", NOW, 1, 0, null, image, false, false, null)).health());
    }

    @Test
    void aRunningVmOnAnOldCurrentSnapshotIsCriticalEvenWithALease() {
        SnapshotFacts f = new SnapshotFacts("s", NOW.minus(Duration.ofDays(15)), 1, 0, null, null, true, true,
                NOW.plus(Duration.ofDays(10)));
        Assessment a = assess(f);
        assertEquals(Health.CRITICAL, a.health());
        assertEquals(List.of("the VM runs on this snapshot, 15 d 0 h old > 14 d"), a.reasons());
        // Off, or not current: not this rule.
        assertEquals(Health.OK, assess(new SnapshotFacts("s", NOW.minus(Duration.ofDays(15)), 1, 0, null, null, true, false,
                NOW.plus(Duration.ofDays(10)))).health());
        PolicyValues off = P.overriddenBy(new PolicyValues(null, null, null, null, null, null, false, null));
        assertEquals(Health.OK, HealthAssessment.assess(off, f, NOW).health());
    }

    @Test
    void reasonsAddUpAndTheWorstLevelWins() {
        SnapshotFacts f = new SnapshotFacts("s", NOW.minus(Duration.ofDays(4)), 9, 7, 90L << 20, 100L << 20, false,
                false, null);
        Assessment a = assess(f);
        assertEquals(Health.CRITICAL, a.health());
        assertEquals(5, a.reasons().size(), a.reasons().toString()); // age, lease, count, depth, overlay
    }

    @Test
    void aVmOverrideChangesOnlyWhatItNames() {
        PolicyValues vm = P.overriddenBy(new PolicyValues(1, null, null, null, null, null, null, null));
        assertEquals(1, vm.ageWarnDays());
        assertEquals(14, vm.ageCriticalDays());
        assertEquals(Health.WARN, HealthAssessment.assess(vm, facts(Duration.ofDays(2)), NOW).health());
    }

    @Test
    void healthOrdersAndParses() {
        assertEquals(Health.CRITICAL, Health.WARN.worst(Health.CRITICAL));
        assertEquals(Health.WARN, Health.WARN.worst(Health.OK));
        assertEquals(Health.WARN, Health.parse(" Warn "));
        assertEquals(null, Health.parse("bad"));
        assertEquals("critical", Health.CRITICAL.label());
    }
}

package io.strata.hygiene;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import io.strata.kernel.Ages;

/**
 * Policy + a snapshot's facts + now → ok, warn or critical with the reasons. Pure (unit tested).
 * <ul>
 * <li>age: warn above the warn age, critical above the critical age, unless an extended lease
 * still runs (the owner said why it is kept; the lease maximum bounds that);</li>
 * <li>lease: created + warn age unless extended; expired is a warning, never a deletion;</li>
 * <li>count per VM: warn above countWarn, critical above countCritical;</li>
 * <li>external chain depth above depthCritical: critical;</li>
 * <li>overlay above overlayWarnPercent of its image's virtual size: warn;</li>
 * <li>the VM runs on this (current) snapshot and it is older than the critical age: critical.</li>
 * </ul>
 */
public final class HealthAssessment {

    private static final long DAY = 86_400;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private HealthAssessment() {
    }

    /** The lease's end: the extension when there is one, else created + the warn age. */
    public static Instant leaseUntil(PolicyValues p, Instant created, Instant extendedUntil) {
        return extendedUntil != null ? extendedUntil : created.plusSeconds(p.ageWarnDays() * DAY);
    }

    public static Assessment assess(PolicyValues p, SnapshotFacts f, Instant now) {
        Health h = Health.OK;
        List<String> reasons = new ArrayList<>();
        long age = Math.max(0, Duration.between(f.created(), now).getSeconds());
        Instant lease = leaseUntil(p, f.created(), f.leaseUntil());
        boolean leaseRuns = !now.isAfter(lease);
        boolean extended = f.leaseUntil() != null;

        if (!(extended && leaseRuns)) {
            if (age > p.ageCriticalDays() * DAY) {
                h = h.worst(Health.CRITICAL);
                reasons.add("age " + Ages.human(age) + " > " + p.ageCriticalDays() + " d");
            } else if (age > p.ageWarnDays() * DAY) {
                h = h.worst(Health.WARN);
                reasons.add("age " + Ages.human(age) + " > " + p.ageWarnDays() + " d");
            }
        }
        boolean leaseExpired = !leaseRuns;
        if (leaseExpired) {
            h = h.worst(Health.WARN);
            reasons.add("lease expired " + DATE.format(lease) + " ("
                    + Ages.human(Duration.between(lease, now).getSeconds()) + " ago)");
        }
        if (f.snapshotsOnVm() > p.countCritical()) {
            h = h.worst(Health.CRITICAL);
            reasons.add(f.snapshotsOnVm() + " snapshots on this VM > " + p.countCritical());
        } else if (f.snapshotsOnVm() > p.countWarn()) {
            h = h.worst(Health.WARN);
            reasons.add(f.snapshotsOnVm() + " snapshots on this VM > " + p.countWarn());
        }
        if (f.externalDepth() > p.depthCritical()) {
            h = h.worst(Health.CRITICAL);
            reasons.add("chain depth " + f.externalDepth() + " > " + p.depthCritical());
        }
        if (f.overlayBytes() != null && f.imageVirtualBytes() != null && f.imageVirtualBytes() > 0
                && f.overlayBytes() * 100 > (long) p.overlayWarnPercent() * f.imageVirtualBytes()) {
            h = h.worst(Health.WARN);
            long pct = f.overlayBytes() * 100 / f.imageVirtualBytes();
            reasons.add("overlay " + mib(f.overlayBytes()) + " = " + pct + " % of the image's "
                    + mib(f.imageVirtualBytes()) + " > " + p.overlayWarnPercent() + " %");
        }
        if (Boolean.TRUE.equals(p.runningOnOldSnapshot()) && f.current() && f.vmRunning()
                && age > p.ageCriticalDays() * DAY) {
            h = h.worst(Health.CRITICAL);
            reasons.add("the VM runs on this snapshot, " + Ages.human(age) + " old > " + p.ageCriticalDays() + " d");
        }
        return new Assessment(h, List.copyOf(reasons), lease, leaseExpired);
    }

    private static String mib(long bytes) {
        return bytes >= 10L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}

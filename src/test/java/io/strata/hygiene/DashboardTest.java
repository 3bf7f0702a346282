package io.strata.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The dashboard's numbers and chart geometry from assessed snapshots (pure). */
class DashboardTest {

    static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");

    static SnapshotHealth snap(String host, String vm, String owner, Duration age, Long bytes, Health h) {
        return new SnapshotHealth(host, vm, "s-" + age.toHours(), "external", owner, "shut off", "alice", null,
                NOW.minus(age), age.getSeconds(), "", NOW, false, null, null, false, bytes, false, h, List.of());
    }

    @Test
    void countsLevelsVmsAgesAndBytes() {
        List<SnapshotHealth> all = List.of(
                snap("h1", "a", "alice", Duration.ofDays(20), 300L, Health.CRITICAL),
                snap("h1", "a", "alice", Duration.ofDays(4), 100L, Health.WARN),
                snap("h2", "b", "bob", Duration.ofHours(2), 50L, Health.OK),
                snap("h2", "c", null, Duration.ofDays(2), null, Health.OK));
        Dashboard d = DashboardService.build(all, List.of("h1/a", "h2/b", "h2/c", "h2/empty"));
        assertEquals(2, d.snapshotsOk());
        assertEquals(1, d.snapshotsWarn());
        assertEquals(1, d.snapshotsCritical());
        assertEquals(3, d.vmsOk(), "b, c and the VM without snapshots");
        assertEquals(0, d.vmsWarn());
        assertEquals(1, d.vmsCritical());
        assertEquals(450, d.overlayBytes());
        assertEquals(List.of("critical", "warn"), d.worst().stream().map(s -> s.health().label()).toList());
        // < 1 d, 1–3 d, 3–7 d, 7–14 d, 14–30 d, ≥ 30 d
        assertEquals(List.of(1L, 1L, 1L, 0L, 1L, 0L), d.ages().bars().stream().map(BarChart.Bar::value).toList());
        assertEquals(List.of("< 1 d", "1–3 d", "3–7 d", "7–14 d", "14–30 d", "≥ 30 d"),
                d.ages().bars().stream().map(BarChart.Bar::label).toList());
        assertEquals(List.of("h1", "h2"), d.bytesByHost().bars().stream().map(BarChart.Bar::label).toList());
        assertEquals(List.of(400L, 50L), d.bytesByHost().bars().stream().map(BarChart.Bar::value).toList());
        assertEquals(List.of("alice", "bob", "(no owner)"), d.bytesByOwner().bars().stream().map(BarChart.Bar::label).toList());
    }

    @Test
    void barsScaleToTheLargestValue() {
        BarChart h = BarChart.horizontal(List.of(new BarChart.Item("a", 100), new BarChart.Item("b", 50),
                new BarChart.Item("c", 0)), Long::toString, 480);
        int plot = 480 - BarChart.LABEL_WIDTH - BarChart.TEXT_WIDTH;
        assertEquals(plot, h.bars().get(0).w());
        assertEquals(plot / 2, h.bars().get(1).w());
        assertEquals(0, h.bars().get(2).w());
        BarChart v = BarChart.vertical(List.of(new BarChart.Item("x", 4), new BarChart.Item("y", 1)), Long::toString, 200, 180);
        assertEquals(180 - 2 * BarChart.ROW, v.bars().get(0).h());
        assertEquals(v.bars().get(0).y() + v.bars().get(0).h(), v.bars().get(1).y() + v.bars().get(1).h(), "same baseline");
        BarChart empty = BarChart.horizontal(List.of(), Long::toString, 480);
        assertEquals(0, empty.bars().size());
    }
}

package io.strata.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.strata.vm.SnapshotRecord;

class SnapshotTreeTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant NOW = T0.plusSeconds(3 * 3600 + 5 * 60);

    private static SnapshotRecord rec(String name, String parent, long second) {
        SnapshotRecord r = new SnapshotRecord();
        r.name = name;
        r.parent = parent;
        r.kind = "INTERNAL";
        r.state = "shutoff";
        r.createdAt = T0.plusSeconds(second);
        return r;
    }

    private static List<String> names(List<SnapshotTree.Row> rows) {
        return rows.stream().map(r -> r.node().name() + "@" + r.depth()).toList();
    }

    @Test
    void noSnapshots() {
        assertTrue(SnapshotTree.roots(List.of(), NOW).isEmpty());
        assertTrue(SnapshotTree.flatten(List.of()).isEmpty());
        assertTrue(SnapshotTree.byTime(List.of()).isEmpty());
    }

    private static io.strata.hygiene.SnapshotHealth health(String snapshot, io.strata.hygiene.Health h) {
        return new io.strata.hygiene.SnapshotHealth("h", "vm", snapshot, "internal", null, null, null, null, T0, 0, "0 s",
                null, false, null, null, false, null, false, h, List.of());
    }

    @Test
    void theVmsHealthIsTheWorstOfItsSnapshotsAndOkWithoutAny() {
        assertEquals("ok", SnapshotTree.worstHealth(List.of()), "no snapshots: ok, as the VM list says");
        List<SnapshotNode> roots = SnapshotTree.roots(List.of(rec("a", null, 0), rec("b", "a", 10), rec("c", "b", 20)),
                Map.of(), Map.of("a", health("a", io.strata.hygiene.Health.OK), "b", health("b", io.strata.hygiene.Health.WARN)),
                Map.of(), NOW);
        assertEquals("warn", SnapshotTree.worstHealth(SnapshotTree.flatten(roots)), "c has no health (not assessed): skipped");
        roots = SnapshotTree.roots(List.of(rec("a", null, 0), rec("b", "a", 10)), Map.of(),
                Map.of("a", health("a", io.strata.hygiene.Health.CRITICAL), "b", health("b", io.strata.hygiene.Health.WARN)),
                Map.of(), NOW);
        assertEquals("critical", SnapshotTree.worstHealth(SnapshotTree.flatten(roots)));
    }

    @Test
    void chainNestsAndFlattensWithDepth() {
        List<SnapshotNode> roots = SnapshotTree.roots(List.of(rec("a", null, 0), rec("b", "a", 10), rec("c", "b", 20)), NOW);
        assertEquals(1, roots.size());
        SnapshotNode a = roots.get(0);
        assertEquals("a", a.name());
        assertEquals("b", a.children().get(0).name());
        assertEquals("c", a.children().get(0).children().get(0).name());
        assertTrue(a.children().get(0).children().get(0).children().isEmpty());
        assertEquals(List.of("a@0", "b@1", "c@2"), names(SnapshotTree.flatten(roots)));
    }

    @Test
    void siblingsOldestFirstThenByName() {
        List<SnapshotNode> roots = SnapshotTree.roots(List.of(
                rec("root", null, 0), rec("late", "root", 30), rec("zeta", "root", 10), rec("alpha", "root", 10)), NOW);
        assertEquals(List.of("alpha", "zeta", "late"), roots.get(0).children().stream().map(SnapshotNode::name).toList());
    }

    @Test
    void severalRootsAndOrphans() {
        // "orphan" names a parent that is not (any more) in the list: it shows as a root
        List<SnapshotNode> roots = SnapshotTree.roots(List.of(
                rec("r2", null, 50), rec("orphan", "gone", 20), rec("r1", null, 0), rec("r1-child", "r1", 60)), NOW);
        assertEquals(List.of("r1", "orphan", "r2"), roots.stream().map(SnapshotNode::name).toList());
        assertEquals("gone", roots.get(1).parent());
        assertEquals(List.of("r1@0", "r1-child@1", "orphan@0", "r2@0"), names(SnapshotTree.flatten(roots)));
    }

    @Test
    void inputOrderDoesNotMatter() {
        List<SnapshotRecord> records = new ArrayList<>(List.of(rec("a", null, 0), rec("b", "a", 1), rec("c", "a", 1),
                rec("d", "b", 1), rec("e", "d", 2), rec("f", null, 2), rec("g", "f", 2)));
        List<String> expected = names(SnapshotTree.flatten(SnapshotTree.roots(records, NOW)));
        assertEquals(List.of("a@0", "b@1", "d@2", "e@3", "c@1", "f@0", "g@1"), expected);
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(records, random);
            assertEquals(expected, names(SnapshotTree.flatten(SnapshotTree.roots(records, NOW))), records.toString());
        }
    }

    @Test
    void nodeCarriesTheRecordAndItsAge() {
        SnapshotRecord r = rec("ext", null, 0);
        r.kind = "EXTERNAL";
        r.state = "disk-snapshot";
        r.description = "before upgrade";
        r.current = true;
        r.files = "vda: /img/a.qcow2 → /img/a.ext\nvdb: /img/b.qcow2 → /img/b.ext";
        r.overlayBytes = 4096L;
        SnapshotNode n = SnapshotTree.roots(List.of(r), Map.of("ext", "a merge stopped half-way"), NOW).get(0);
        assertEquals("external", n.kind());
        assertEquals("disk-snapshot", n.domainState());
        assertEquals("before upgrade", n.description());
        assertTrue(n.current());
        assertEquals(T0, n.created());
        assertEquals(3 * 3600 + 5 * 60, n.ageSeconds());
        assertEquals("3 h 5 min", n.age());
        assertEquals(List.of("vda: /img/a.qcow2 → /img/a.ext", "vdb: /img/b.qcow2 → /img/b.ext"), n.files());
        assertEquals(4096L, n.overlayBytes());
        assertEquals("a merge stopped half-way", n.partlyMerged());
    }

    @Test
    void internalNodeWithoutFilesOrMark() {
        SnapshotNode n = SnapshotTree.roots(List.of(rec("i", null, 0)), Map.of("other", "x"), NOW).get(0);
        assertEquals("internal", n.kind());
        assertEquals(List.of(), n.files());
        assertNull(n.overlayBytes());
        assertNull(n.partlyMerged());
    }

    @Test
    void aSnapshotFromTheFutureIsZeroSecondsOld() {
        SnapshotNode n = SnapshotTree.roots(List.of(rec("skew", null, 0)), T0.minusSeconds(30)).get(0);
        assertEquals(0, n.ageSeconds());
        assertEquals("0 s", n.age());
    }

    @Test
    void byTimeIsNewestFirstWithoutNesting() {
        List<SnapshotNode> roots = SnapshotTree.roots(List.of(
                rec("a", null, 0), rec("b", "a", 100), rec("c", "a", 200), rec("d", "b", 300)), NOW);
        assertEquals(List.of("d@0", "c@0", "b@0", "a@0"), names(SnapshotTree.byTime(roots)));
    }

    @Test
    void byTimeWithinOneSecondPutsChildrenBeforeParents() {
        // libvirt's creation time has one-second steps: a chain taken in one second
        List<SnapshotNode> roots = SnapshotTree.roots(List.of(
                rec("s1", null, 5), rec("s2", "s1", 5), rec("s3", "s2", 5), rec("older", null, 0)), NOW);
        assertEquals(List.of("s3@0", "s2@0", "s1@0", "older@0"), names(SnapshotTree.byTime(roots)));
    }

    @Test
    void byTimeWithinOneSecondSiblingsLaterNameFirst() {
        List<SnapshotNode> roots = SnapshotTree.roots(List.of(
                rec("p", null, 0), rec("x", "p", 7), rec("y", "p", 7)), NOW);
        assertEquals(List.of("y@0", "x@0", "p@0"), names(SnapshotTree.byTime(roots)));
    }

    @Test
    void rowsOfFlattenAndByTimeAreTheSameNodes() {
        List<SnapshotNode> roots = SnapshotTree.roots(List.of(rec("a", null, 0), rec("b", "a", 1)), NOW);
        assertEquals(SnapshotTree.flatten(roots).get(1).node(), SnapshotTree.byTime(roots).get(0).node());
    }
}

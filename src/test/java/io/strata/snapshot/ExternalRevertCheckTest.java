package io.strata.snapshot;

import static io.strata.snapshot.LayoutBuilder.on;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.strata.libvirt.DomainState;

/** The checks a revert to an external snapshot gets, and which files it may discard afterwards. */
class ExternalRevertCheckTest {

    static final String BASE = "/img/vm.qcow2";
    static final String S1 = "/img/vm.s1";
    static final String S2 = "/img/vm.s2";

    /** base ← s1 ← s2, the VM on s2's overlay. */
    static LayoutBuilder twoInARow(LayoutBuilder b) {
        return b.stack(BASE, S1, S2).disk("vda", S2)
                .external("s1", on("vda", S1, BASE))
                .external("s2", on("vda", S2, S1));
    }

    private static void check(LayoutBuilder b, String snapshot, Map<String, String> marks) {
        ExternalRevert.check(b.build(), b.snapshot(snapshot), marks);
    }

    private static String refusal(LayoutBuilder b, String snapshot, Map<String, String> marks) {
        return assertThrows(TopologyRefused.class, () -> check(b, snapshot, marks)).getMessage();
    }

    @Test
    void aShutOffVmRevertsToAnyOfItsSnapshots() {
        LayoutBuilder b = twoInARow(LayoutBuilder.shutOff());
        assertDoesNotThrow(() -> check(b, "s1", Map.of()));
        assertDoesNotThrow(() -> check(b, "s2", Map.of()));
    }

    @Test
    void aRevertAfterARevertIsAllowed() {
        // Reverted to s1 already: the VM is on a new overlay on the base; s2's data is still in s1's overlay.
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, S1).file("/img/vm.1700000000", BASE)
                .disk("vda", "/img/vm.1700000000")
                .external("s1", on("vda", S1, BASE))
                .external("s2", on("vda", S2, S1));
        assertDoesNotThrow(() -> check(b, "s2", Map.of()));
    }

    @Test
    void everyDiskOfAMultiDiskSnapshotIsChecked() {
        LayoutBuilder b = LayoutBuilder.shutOff()
                .stack(BASE, S1).disk("vda", S1)
                .stack("/img/vm-data.qcow2", "/img/vm-data.s1").disk("vdb", "/img/vm-data.s1")
                .external("s1", on("vda", S1, BASE), on("vdb", "/img/vm-data.s1", "/img/vm-data.qcow2"));
        assertDoesNotThrow(() -> check(b, "s1", Map.of()));
    }

    @Test
    void aRunningVmIsRefused() {
        assertEquals("vm is running; reverting to an external snapshot replaces its disks, so shut it down first"
                + " (start it again with the revert), or ask the revert to do both: shutdown: true, start: true",
                refusal(twoInARow(LayoutBuilder.running()), "s1", Map.of()));
    }

    @Test
    void everyStateButShutOffIsRefused() {
        for (DomainState s : DomainState.values()) {
            LayoutBuilder b = twoInARow(LayoutBuilder.shutOff().state(s));
            if (s == DomainState.SHUT_OFF) {
                assertDoesNotThrow(() -> check(b, "s1", Map.of()));
            } else {
                assertTrue(refusal(b, "s1", Map.of()).contains("shut it down first"), s.toString());
            }
        }
    }

    @Test
    void aPartlyMergedSnapshotIsRefused() {
        String why = refusal(twoInARow(LayoutBuilder.shutOff()), "s1",
                Map.of("s1", "job 7 was cancelled during its merge"));
        assertEquals("snapshot s1 no longer holds its point in time: job 7 was cancelled during its merge; delete it"
                + " to finish that merge", why);
    }

    @Test
    void anotherSnapshotsMarkDoesNotMatter() {
        assertDoesNotThrow(() -> check(twoInARow(LayoutBuilder.shutOff()), "s2", Map.of("s1", "job 7 failed")));
    }

    @Test
    void internalSnapshotsInTheChainAreRefused() {
        String why = refusal(twoInARow(LayoutBuilder.shutOff()).internal("i1"), "s1", Map.of());
        assertTrue(why.startsWith("reverting to s1 is refused: vm also has internal snapshots (i1)"), why);
    }

    @Test
    void aMissingImageIsRefused() {
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, S1, S2).disk("vda", S2)
                .external("s1", on("vda", S1, BASE))
                .external("s2", on("vda", S2, "/img/vm.gone"));
        assertEquals("snapshot s2 cannot be restored: its image /img/vm.gone for vda is missing",
                refusal(b, "s2", Map.of()));
    }

    @Test
    void aDiskTheVmNoLongerHasIsRefused() {
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, S1).disk("vda", S1)
                .file("/img/vm-data.qcow2", null)
                .external("s1", on("vda", S1, BASE), on("vdb", "/img/vm-data.s1", "/img/vm-data.qcow2"));
        assertEquals("vm no longer has disk vdb that snapshot s1 covers", refusal(b, "s1", Map.of()));
    }

    @Test
    void theUnsavedTopLayerIsACandidateToDiscard() {
        LayoutBuilder b = twoInARow(LayoutBuilder.shutOff());
        assertEquals(Set.of(BASE, S1, S2), ExternalRevert.discardCandidates(b.build(), b.snapshot("s1")));
    }

    @Test
    void aPreviousRevertsOverlayIsACandidateToDiscard() {
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, S1).file("/img/vm.1700000000", S1)
                .disk("vda", "/img/vm.1700000000")
                .external("s1", on("vda", S1, BASE))
                .external("s2", on("vda", S2, S1));
        ChainLayout l = b.build();
        assertTrue(ExternalRevert.madeOnSnapshotData(l, "/img/vm.1700000000"));
        assertTrue(ExternalRevert.discardCandidates(l, b.snapshot("s1")).contains("/img/vm.1700000000"));
    }

    @Test
    void aFileHoldingSnapshotDataOrAUsersOwnDiskIsNeverMadeOnSnapshotData() {
        LayoutBuilder b = twoInARow(LayoutBuilder.shutOff()).file("/img/own.qcow2", null);
        ChainLayout l = b.build();
        assertFalse(ExternalRevert.madeOnSnapshotData(l, BASE), "s1's data");
        assertFalse(ExternalRevert.madeOnSnapshotData(l, S1), "s2's data");
        assertTrue(ExternalRevert.madeOnSnapshotData(l, S2), "only an overlay");
        assertFalse(ExternalRevert.madeOnSnapshotData(l, "/img/own.qcow2"));
    }
}

package io.strata.snapshot;

import static io.strata.snapshot.LayoutBuilder.on;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.strata.snapshot.ExternalDelete.DiskMerge;

/**
 * Delete-with-merge planning over hand-built layouts: which overlay goes into which image, what
 * gets re-pointed, live or offline, and every topology that is refused before a file is touched.
 */
class ExternalDeletePlanTest {

    static final String BASE = "/img/vm.qcow2";
    static final String S1 = "/img/vm.s1";
    static final String S2 = "/img/vm.s2";
    static final String S3 = "/img/vm.s3";

    /** base ← s1 ← s2 ← s3, the VM writing into s3's overlay: three snapshots taken in a row. */
    static LayoutBuilder threeInARow(LayoutBuilder b) {
        return b.stack(BASE, S1, S2, S3).disk("vda", S3)
                .external("s1", on("vda", S1, BASE))
                .external("s2", on("vda", S2, S1))
                .external("s3", on("vda", S3, S2));
    }

    private static List<DiskMerge> plan(LayoutBuilder b, String snapshot) {
        return ExternalDelete.plan(b.build(), b.snapshot(snapshot));
    }

    private static String refusal(LayoutBuilder b, String snapshot) {
        return assertThrows(TopologyRefused.class, () -> plan(b, snapshot)).getMessage();
    }

    @Test
    void newestSnapshotOfAShutOffVmCommitsTheActiveOverlayOffline() {
        assertEquals(List.of(new DiskMerge("vda", S2, "qcow2", S3, List.of(), false, false)),
                plan(threeInARow(LayoutBuilder.shutOff()), "s3"));
    }

    @Test
    void newestSnapshotOfARunningVmIsAnActiveCommitWithPivot() {
        assertEquals(List.of(new DiskMerge("vda", S2, "qcow2", S3, List.of(), true, true)),
                plan(threeInARow(LayoutBuilder.running()), "s3"));
    }

    @Test
    void middleSnapshotOfAShutOffVmRebasesTheLayerAbove() {
        assertEquals(List.of(new DiskMerge("vda", S1, "qcow2", S2, List.of(S3), false, false)),
                plan(threeInARow(LayoutBuilder.shutOff()), "s2"));
    }

    @Test
    void middleSnapshotOfARunningVmIsALiveCommitThatRepointsTheChainItself() {
        assertEquals(List.of(new DiskMerge("vda", S1, "qcow2", S2, List.of(), true, false)),
                plan(threeInARow(LayoutBuilder.running()), "s2"));
    }

    @Test
    void oldestSnapshotMergesIntoTheBase() {
        assertEquals(List.of(new DiskMerge("vda", BASE, "qcow2", S1, List.of(S2), false, false)),
                plan(threeInARow(LayoutBuilder.shutOff()), "s1"));
    }

    @Test
    void aRawBaseKeepsItsFormat() {
        LayoutBuilder b = LayoutBuilder.shutOff().raw("/img/vm.img").file("/img/vm.s1", "/img/vm.img")
                .disk("vda", "/img/vm.s1").external("s1", on("vda", "/img/vm.s1", "/img/vm.img"));
        assertEquals(List.of(new DiskMerge("vda", "/img/vm.img", "raw", "/img/vm.s1", List.of(), false, false)),
                plan(b, "s1"));
    }

    @Test
    void aSnapshotWhoseOverlayARevertDiscardedHasNothingToMerge() {
        // base ← s1 ← s2, then revert to s2: the VM writes into a fresh overlay on s1, and s2's
        // overlay (the unsaved top layer) is gone.
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, S1).file("/img/vm.1700000000", S1)
                .disk("vda", "/img/vm.1700000000")
                .external("s1", on("vda", S1, BASE))
                .external("s2", on("vda", S2, S1));
        assertEquals(List.of(), plan(b, "s2"));
    }

    @Test
    void anOffChainSnapshotWhoseOverlayHoldsAnotherSnapshotsDataIsMergedOffline() {
        // base ← s1 ← s2 ← s3, reverted to s1 (a new overlay on the base; s3's overlay, the unsaved
        // top, discarded) and started again: s2's overlay is off the running chain.
        LayoutBuilder b = LayoutBuilder.running().stack(BASE, S1, S2).file("/img/vm.1700000000", BASE)
                .disk("vda", "/img/vm.1700000000")
                .external("s1", on("vda", S1, BASE))
                .external("s2", on("vda", S2, S1))
                .external("s3", on("vda", S3, S2));
        assertEquals(List.of(new DiskMerge("vda", S1, "qcow2", S2, List.of(), false, false)), plan(b, "s2"));
    }

    @Test
    void everyDiskOfTheSnapshotIsPlannedInItsOrder() {
        LayoutBuilder b = LayoutBuilder.running()
                .stack("/img/vm.qcow2", "/img/vm.s1").disk("vda", "/img/vm.s1")
                .stack("/img/vm-data.qcow2", "/img/vm-data.s1").disk("vdb", "/img/vm-data.s1")
                .external("s1", on("vda", "/img/vm.s1", "/img/vm.qcow2"), on("vdb", "/img/vm-data.s1", "/img/vm-data.qcow2"));
        assertEquals(List.of(
                new DiskMerge("vda", "/img/vm.qcow2", "qcow2", "/img/vm.s1", List.of(), true, true),
                new DiskMerge("vdb", "/img/vm-data.qcow2", "qcow2", "/img/vm-data.s1", List.of(), true, true)),
                plan(b, "s1"));
    }

    @Test
    void aDiskWhoseOverlayIsGoneIsLeftOutOfAMultiDiskPlan() {
        LayoutBuilder b = LayoutBuilder.shutOff()
                .stack("/img/vm.qcow2", "/img/vm.s1").disk("vda", "/img/vm.s1")
                .file("/img/vm-data.qcow2", null).disk("vdb", "/img/vm-data.qcow2")
                .external("s1", on("vda", "/img/vm.s1", "/img/vm.qcow2"), on("vdb", "/img/vm-data.s1", "/img/vm-data.qcow2"));
        assertEquals(List.of(new DiskMerge("vda", "/img/vm.qcow2", "qcow2", "/img/vm.s1", List.of(), false, false)),
                plan(b, "s1"));
    }

    @Test
    void internalSnapshotsInTheChainAreRefused() {
        LayoutBuilder b = threeInARow(LayoutBuilder.shutOff()).internal("i1");
        String why = refusal(b, "s2");
        assertTrue(why.contains("deleting s2 is refused"), why);
        assertTrue(why.contains("internal snapshots (i1)"), why);
    }

    @Test
    void aMissingImageIsRefused() {
        LayoutBuilder b = LayoutBuilder.shutOff().file(S1, BASE).disk("vda", S1).external("s1", on("vda", S1, BASE));
        assertEquals("snapshot s1's image " + BASE + " is missing; cannot merge " + S1 + " into it", refusal(b, "s1"));
    }

    @Test
    void aSnapshotImageThatIsTheBaseOfSeveralChainsAfterARevertIsRefused() {
        // b1, b2, then revert to b1: the base carries b1's overlay (b2's data) and the VM's new overlay.
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, S1).file("/img/vm.1700000000", BASE)
                .disk("vda", "/img/vm.1700000000")
                .external("b1", on("vda", S1, BASE))
                .external("b2", on("vda", S2, S1));
        String why = refusal(b, "b1");
        assertTrue(why.startsWith("snapshot b1 has several children: its image " + BASE + " is also the base of"
                + " /img/vm.1700000000 (the VM's current disk)"), why);
    }

    @Test
    void severalChildrenNameTheSnapshotWhoseDataTheOtherBranchHolds() {
        // Two branches on the base: s1's overlay, and s9's image (a branch taken after a revert).
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, S1).file("/img/vm.b", BASE).file("/img/vm.s9", "/img/vm.b")
                .disk("vda", "/img/vm.s9")
                .external("s1", on("vda", S1, BASE))
                .external("s9", on("vda", "/img/vm.s9", "/img/vm.b"));
        String why = refusal(b, "s1");
        assertTrue(why.contains("/img/vm.b (snapshot s9's data)"), why);
    }

    @Test
    void anImageHoldingAnotherSnapshotsDataTooIsRefused() {
        // s0's overlay was discarded, so the base is no branch point, but s0's data is the base.
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, S1).disk("vda", S1)
                .external("s0", on("vda", "/img/vm.s0", BASE))
                .external("s1", on("vda", S1, BASE));
        assertEquals("snapshot s0 holds its data in " + BASE + " too; merging s1 into it would change s0",
                refusal(b, "s1"));
    }

    @Test
    void anImageAnotherVmUsesIsNeverMergedInto() {
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, S1).disk("vda", S1).external("x1", on("vda", S1, BASE))
                .usedBy("borrower", "/img/borrower.qcow2", BASE);
        String why = refusal(b, "x1");
        assertEquals("deleting snapshot x1 would change " + BASE + ", which VM borrower also uses; detach or flatten"
                + " that VM's disk first", why);
    }

    @Test
    void anOverlayAnotherVmStacksOnIsNeverRebased() {
        LayoutBuilder b = threeInARow(LayoutBuilder.shutOff()).usedBy("other", S2);
        assertTrue(refusal(b, "s2").contains("which VM other also uses"));
    }

    @Test
    void aFileAnotherVmUsesOutsideTheMergeDoesNotMatter() {
        LayoutBuilder b = threeInARow(LayoutBuilder.shutOff()).usedBy("other", BASE);
        assertEquals(1, plan(b, "s3").size());
    }
}

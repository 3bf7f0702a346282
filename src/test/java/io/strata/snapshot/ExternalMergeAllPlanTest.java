package io.strata.snapshot;

import static io.strata.snapshot.LayoutBuilder.on;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.strata.snapshot.ExternalMergeAll.ChainMerge;

/** Merge-all planning: per disk, the lowest snapshot image is the base and everything above goes into it. */
class ExternalMergeAllPlanTest {

    static final String BASE = "/img/vm.qcow2";

    private static List<ChainMerge> plan(LayoutBuilder b) {
        return ExternalMergeAll.plan(b.build());
    }

    private static String refusal(LayoutBuilder b) {
        return assertThrows(TopologyRefused.class, () -> plan(b)).getMessage();
    }

    /** base ← vm.s1 ← … ← vm.sN, one snapshot per layer, the VM on the top. */
    private static LayoutBuilder layers(LayoutBuilder b, int n) {
        String below = BASE;
        b.file(BASE, null);
        for (int i = 1; i <= n; i++) {
            String overlay = "/img/vm.s" + i;
            b.file(overlay, below).external("s" + i, on("vda", overlay, below));
            below = overlay;
        }
        return b.disk("vda", below);
    }

    @Test
    void oneLayer() {
        assertEquals(List.of(new ChainMerge("vda", BASE, "/img/vm.s1", List.of("/img/vm.s1"))),
                plan(layers(LayoutBuilder.shutOff(), 1)));
    }

    @Test
    void everyLayerAboveTheBaseGoesIntoIt() {
        for (int n = 2; n <= 6; n++) {
            List<ChainMerge> plan = plan(layers(LayoutBuilder.running(), n));
            assertEquals(1, plan.size());
            ChainMerge m = plan.get(0);
            assertEquals(BASE, m.base());
            assertEquals("/img/vm.s" + n, m.top());
            assertEquals(n, m.above().size(), "layers above the base: " + m.above());
            assertEquals("/img/vm.s" + n, m.above().get(0), "top first");
            assertEquals("/img/vm.s1", m.above().get(n - 1));
        }
    }

    @Test
    void afterARevertTheCurrentChainIsMergedAndTheOtherBranchIsLeftToTheCleanup() {
        // base ← s1 ← s2, reverted to s2: the VM writes into a new overlay on s1's overlay.
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, "/img/vm.s1").file("/img/vm.1700000000", "/img/vm.s1")
                .disk("vda", "/img/vm.1700000000")
                .external("s1", on("vda", "/img/vm.s1", BASE))
                .external("s2", on("vda", "/img/vm.s2", "/img/vm.s1"));
        assertEquals(List.of(new ChainMerge("vda", BASE, "/img/vm.1700000000",
                List.of("/img/vm.1700000000", "/img/vm.s1"))), plan(b));
    }

    @Test
    void aThinClonesTemplateBelowTheBaseIsNotTouchedEvenWhenOtherVmsUseIt() {
        LayoutBuilder b = LayoutBuilder.shutOff().stack("/tpl/template-web.qcow2", BASE, "/img/vm.s1")
                .disk("vda", "/img/vm.s1").external("s1", on("vda", "/img/vm.s1", BASE))
                .usedBy("web2", "/img/web2.qcow2", "/tpl/template-web.qcow2");
        assertEquals(List.of(new ChainMerge("vda", BASE, "/img/vm.s1", List.of("/img/vm.s1"))), plan(b));
    }

    @Test
    void everyDiskIsPlannedByTargetName() {
        LayoutBuilder b = LayoutBuilder.running()
                .stack("/img/vm-data.qcow2", "/img/vm-data.s1", "/img/vm-data.s2").disk("vdb", "/img/vm-data.s2")
                .stack(BASE, "/img/vm.s1", "/img/vm.s2").disk("vda", "/img/vm.s2")
                .external("s1", on("vda", "/img/vm.s1", BASE), on("vdb", "/img/vm-data.s1", "/img/vm-data.qcow2"))
                .external("s2", on("vda", "/img/vm.s2", "/img/vm.s1"), on("vdb", "/img/vm-data.s2", "/img/vm-data.s1"));
        assertEquals(List.of(
                new ChainMerge("vda", BASE, "/img/vm.s2", List.of("/img/vm.s2", "/img/vm.s1")),
                new ChainMerge("vdb", "/img/vm-data.qcow2", "/img/vm-data.s2", List.of("/img/vm-data.s2", "/img/vm-data.s1"))),
                plan(b));
    }

    @Test
    void aDiskWithoutSnapshotsIsLeftOut() {
        // vdb was attached after the snapshot: nothing of it is in the chain to merge.
        LayoutBuilder b = layers(LayoutBuilder.shutOff(), 2).file("/img/vm-new.qcow2", null).disk("vdb", "/img/vm-new.qcow2");
        assertEquals(List.of("vda"), plan(b).stream().map(ChainMerge::target).toList());
    }

    @Test
    void aDiskAlreadyWritingIntoItsBaseIsLeftOut() {
        LayoutBuilder b = LayoutBuilder.shutOff().stack(BASE, "/img/vm.s1").disk("vda", BASE)
                .external("s1", on("vda", "/img/vm.s1", BASE));
        assertEquals(List.of(), plan(b));
    }

    @Test
    void noExternalSnapshotsIsRefused() {
        LayoutBuilder b = LayoutBuilder.shutOff().file(BASE, null).disk("vda", BASE);
        assertEquals("vm has no external snapshots: there is no chain to merge", refusal(b));
    }

    @Test
    void internalSnapshotsInTheChainAreRefused() {
        String why = refusal(layers(LayoutBuilder.shutOff(), 2).internal("i1"));
        assertTrue(why.startsWith("merging vm's chain is refused: vm also has internal snapshots (i1)"), why);
    }

    @Test
    void onlyInternalSnapshotsIsRefusedForThem() {
        LayoutBuilder b = LayoutBuilder.shutOff().file(BASE, null).disk("vda", BASE).internal("i1");
        assertTrue(refusal(b).contains("internal snapshots (i1)"));
    }

    @Test
    void aBaseAnotherVmUsesIsNeverMergedInto() {
        LayoutBuilder b = layers(LayoutBuilder.shutOff(), 1).usedBy("borrower", "/img/borrower.qcow2", BASE);
        assertEquals("merging vm's chain would change " + BASE + ", which VM borrower also uses; detach or flatten"
                + " that VM's disk first", refusal(b));
    }

    @Test
    void aLayerAnotherVmUsesIsNeverMergedAway() {
        LayoutBuilder b = layers(LayoutBuilder.running(), 3).usedBy("other", "/img/vm.s2");
        assertTrue(refusal(b).contains("/img/vm.s2, which VM other also uses"));
    }

    @Test
    void theSnapshotsHoldingTheBasesAreTheOnesAStoppedMergeMarks() {
        LayoutBuilder b = layers(LayoutBuilder.shutOff(), 3);
        ChainLayout l = b.build();
        assertEquals(List.of("s1"), ExternalMergeAll.holdingBases(l, ExternalMergeAll.plan(l)));
    }
}

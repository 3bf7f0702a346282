package io.strata.snapshot;

import static io.strata.snapshot.LayoutBuilder.on;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The checks before an external snapshot is created, and where its overlays go. */
class ExternalCreateCheckTest {

    private static Map<String, String> check(LayoutBuilder b, String name) {
        return ExternalCreate.check(b.domain(), b.snapshots(), name, b::exists);
    }

    private static String refusal(LayoutBuilder b, String name) {
        return assertThrows(TopologyRefused.class, () -> check(b, name)).getMessage();
    }

    @Test
    void eachFileBackedDiskGetsAnOverlayBesideIt() {
        LayoutBuilder b = LayoutBuilder.running().file("/img/vm.qcow2", null).disk("vda", "/img/vm.qcow2")
                .raw("/data/vm-data.img").disk("vdb", "/data/vm-data.img")
                .device("sda", "cdrom", "/iso/debian.iso", "raw")
                .device("vdc", "disk", null, "raw");
        assertEquals(Map.of("vda", "/img/vm.s1", "vdb", "/data/vm-data.s1"), check(b, "s1"));
    }

    @Test
    void aChainGrowsOnItsTop() {
        LayoutBuilder b = LayoutBuilder.shutOff().stack("/img/vm.qcow2", "/img/vm.s1").disk("vda", "/img/vm.s1")
                .external("s1", on("vda", "/img/vm.s1", "/img/vm.qcow2"));
        assertEquals(Map.of("vda", "/img/vm.s2"), check(b, "s2"));
    }

    @Test
    void anExistingOverlayFileIsNeverOverwritten() {
        // Left behind by a metadata-only delete: libvirt would fail with "already exists".
        LayoutBuilder b = LayoutBuilder.shutOff().file("/img/vm.qcow2", null).disk("vda", "/img/vm.qcow2")
                .file("/img/vm.s1", "/img/vm.qcow2");
        assertEquals("the overlay file /img/vm.s1 already exists (left by an earlier snapshot or copied there);"
                + " choose another snapshot name or remove that file", refusal(b, "s1"));
    }

    @Test
    void internalSnapshotsAreRefused() {
        LayoutBuilder b = LayoutBuilder.shutOff().file("/img/vm.qcow2", null).disk("vda", "/img/vm.qcow2")
                .internal("i1").internal("i2");
        assertTrue(refusal(b, "e1").startsWith("vm has internal snapshots (i1, i2); mixing internal and external"));
    }

    @Test
    void aDiskOfAnotherFormatIsRefused() {
        LayoutBuilder b = LayoutBuilder.shutOff().device("vda", "disk", "/img/vm.vmdk", "vmdk");
        assertEquals("disk vda is vmdk; external snapshots are taken of qcow2 and raw disks only", refusal(b, "s1"));
    }

    @Test
    void aVmWithoutFileBackedDisksIsRefused() {
        LayoutBuilder b = LayoutBuilder.shutOff().device("sda", "cdrom", "/iso/debian.iso", "raw")
                .device("vda", "disk", null, "raw");
        assertEquals("vm has no file-backed disk to snapshot", refusal(b, "s1"));
    }
}

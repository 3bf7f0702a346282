package io.strata.snapshot;

import static io.strata.snapshot.LayoutBuilder.on;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;

/** The layout's own answers: which files depend on which, and which are still needed after a change. */
class ChainLayoutTest {

    @Test
    void aDiskWhoseChainCannotBeReadIsRefused() {
        DomainSummary d = new DomainSummary("vm", "u", DomainState.SHUT_OFF, 1, 131072, "alice", false,
                List.of(new DiskInfo("vda", "disk", "/img/vm.qcow2", "qcow2", List.of(), "qemu-img: Could not open")));
        String why = assertThrows(TopologyRefused.class,
                () -> ChainLayout.of("h", "vm", d, List.of(), Map.of(), List.of())).getMessage();
        assertEquals("disk vda of vm cannot be read: qemu-img: Could not open", why);
    }

    @Test
    void dependentsAreTheKnownFilesStackedOnAFile() {
        ChainLayout l = LayoutBuilder.shutOff().stack("/img/b", "/img/b.s1").file("/img/b.t", "/img/b")
                .disk("vda", "/img/b.t").external("s1", on("vda", "/img/b.s1", "/img/b")).build();
        assertEquals(List.of("/img/b.s1", "/img/b.t"), l.dependents("/img/b"));
        assertEquals(List.of(), l.dependents("/img/b.t"));
    }

    @Test
    void whatIsStillNeededIsTheDisksChainsTheKeptSnapshotsAndOtherVmsFiles() {
        LayoutBuilder b = LayoutBuilder.shutOff().stack("/tpl/t.qcow2", "/img/vm.qcow2", "/img/vm.s1", "/img/vm.s2")
                .disk("vda", "/img/vm.s2")
                .external("s1", on("vda", "/img/vm.s1", "/img/vm.qcow2"))
                .external("s2", on("vda", "/img/vm.s2", "/img/vm.s1"))
                .file("/img/other.qcow2", "/tpl/t.qcow2")
                .usedBy("other", "/img/other.qcow2");
        ChainLayout l = b.build();
        assertEquals(Set.of("/img/vm.qcow2", "/tpl/t.qcow2", "/img/other.qcow2"),
                l.referenced(Map.of("vda", "/img/vm.qcow2"), List.of()), "after a merge of everything");
        assertEquals(Set.of("/img/vm.qcow2", "/img/vm.s1", "/tpl/t.qcow2", "/img/other.qcow2"),
                l.referenced(Map.of("vda", "/img/vm.qcow2"), List.of(b.snapshot("s2"))), "s2's data is kept");
        assertEquals(Set.of("/img/vm.s1", "/img/vm.s2", "/img/vm.qcow2"), l.snapshotFiles());
    }

    @Test
    void topsAreTheFileBackedDisksOnly() {
        ChainLayout l = LayoutBuilder.shutOff().file("/img/vm.qcow2", null).disk("vda", "/img/vm.qcow2")
                .device("sda", "cdrom", "/iso/x.iso", "raw").build();
        assertEquals(Map.of("vda", "/img/vm.qcow2"), l.tops());
    }
}

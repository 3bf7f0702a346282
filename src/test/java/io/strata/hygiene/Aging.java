package io.strata.hygiene;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;

/**
 * Makes a snapshot old the way libvirt allows: its metadata redefined with an older
 * {@code <creationTime>} ({@code virsh snapshot-create --redefine}); files are not touched.
 */
final class Aging {

    private Aging() {
    }

    static void makeOld(String vm, String snapshot, Duration age) {
        String xml = LibvirtHost.virsh("snapshot-dumpxml", "--security-info", vm, snapshot);
        long t = Instant.now().minus(age).getEpochSecond();
        String older = xml.replaceFirst("<creationTime>[0-9]+</creationTime>", "<creationTime>" + t + "</creationTime>");
        if (older.equals(xml)) {
            throw new AssertionError("no creationTime in the XML of " + snapshot);
        }
        boolean current = snapshot.equals(DiskProbes.currentSnapshot(vm));
        Path f = LibvirtHost.DIR.resolve(vm + "-" + snapshot + "-redefine-" + t + ".xml");
        try {
            Files.writeString(f, older);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (current) {
            LibvirtHost.virsh("snapshot-create", vm, f.toString(), "--redefine", "--current");
        } else {
            LibvirtHost.virsh("snapshot-create", vm, f.toString(), "--redefine");
        }
        String now = LibvirtHost.virsh("snapshot-dumpxml", vm, snapshot);
        if (!now.contains("<creationTime>" + t + "</creationTime>")) {
            throw new AssertionError("libvirt did not take the older creationTime of " + snapshot);
        }
    }
}

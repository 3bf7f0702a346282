package io.strata.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.strata.imagetool.ImageInfo;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.SnapshotDisk;
import io.strata.libvirt.SnapshotInfo;
import io.strata.libvirt.SnapshotKind;

/**
 * Hand-built chain layouts for the planning tests: image files with their backing files, the
 * domain's disks (each chain follows the backing files), snapshots and other VMs' files. A file
 * not declared does not exist, as on a host where it was removed.
 */
final class LayoutBuilder {

    static final String VM = "vm";

    private final Map<String, ImageInfo> files = new LinkedHashMap<>();
    private final Map<String, String> tops = new LinkedHashMap<>();
    private final List<DiskInfo> otherDevices = new ArrayList<>();
    private final List<SnapshotInfo> snapshots = new ArrayList<>();
    private final Map<String, String> otherDomains = new LinkedHashMap<>();
    private DomainState state = DomainState.SHUT_OFF;

    static LayoutBuilder shutOff() {
        return new LayoutBuilder();
    }

    static LayoutBuilder running() {
        return new LayoutBuilder().state(DomainState.RUNNING);
    }

    LayoutBuilder state(DomainState s) {
        state = s;
        return this;
    }

    /** A qcow2 image on {@code backing} (null: none). */
    LayoutBuilder file(String file, String backing) {
        files.put(file, new ImageInfo(file, "qcow2", 1 << 30, 1 << 20, backing, 0));
        return this;
    }

    LayoutBuilder raw(String file) {
        files.put(file, new ImageInfo(file, "raw", 1 << 30, 1 << 30, null, 0));
        return this;
    }

    /** A stack of qcow2 files, bottom first: each one's backing file is the one before it. */
    LayoutBuilder stack(String... bottomFirst) {
        String below = null;
        for (String f : bottomFirst) {
            file(f, below);
            below = f;
        }
        return this;
    }

    /** The domain's disk {@code target} writes to {@code top}. */
    LayoutBuilder disk(String target, String top) {
        tops.put(target, top);
        return this;
    }

    /** A device the domain has that is no file-backed disk (a CD-ROM, a network disk). */
    LayoutBuilder device(String target, String device, String file, String format) {
        otherDevices.add(new DiskInfo(target, device, file, format, List.of(), null));
        return this;
    }

    /** An external snapshot; each disk as {@link #on}. */
    LayoutBuilder external(String name, SnapshotDisk... disks) {
        List<SnapshotDisk> fixed = new ArrayList<>();
        for (SnapshotDisk d : disks) {
            ImageInfo image = files.get(d.image());
            fixed.add(new SnapshotDisk(d.target(), "external", d.overlay(), d.image(),
                    image == null ? "qcow2" : image.format(), -1));
        }
        return add(name, SnapshotKind.EXTERNAL, fixed);
    }

    /** An internal snapshot (stored inside the qcow2 files, as virsh snapshot-create-as makes it). */
    LayoutBuilder internal(String name) {
        return add(name, SnapshotKind.INTERNAL, List.of(new SnapshotDisk("vda", "internal", null, null, null, -1)));
    }

    /** One disk of an external snapshot: later writes went to {@code overlay}, its data is in {@code image}. */
    static SnapshotDisk on(String target, String overlay, String image) {
        return new SnapshotDisk(target, "external", overlay, image, "qcow2", -1);
    }

    /** Another VM of the host uses these files (its disks or their backing files). */
    LayoutBuilder usedBy(String otherVm, String... usedFiles) {
        for (String f : usedFiles) {
            otherDomains.put(f, otherVm);
        }
        return this;
    }

    private LayoutBuilder add(String name, SnapshotKind kind, List<SnapshotDisk> disks) {
        String parent = snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1).name();
        snapshots.add(new SnapshotInfo(name, parent, kind, "shutoff", null,
                Instant.ofEpochSecond(1_700_000_000L + snapshots.size()), false, disks));
        return this;
    }

    DomainSummary domain() {
        List<DiskInfo> disks = new ArrayList<>();
        tops.forEach((target, top) -> {
            List<ImageInfo> chain = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (String f = top; f != null && files.containsKey(f) && seen.add(f); f = files.get(f).backingFile()) {
                chain.add(files.get(f));
            }
            String format = files.containsKey(top) ? files.get(top).format() : "qcow2";
            disks.add(new DiskInfo(target, "disk", top, format, chain, null));
        });
        disks.addAll(otherDevices);
        return new DomainSummary(VM, "uuid-" + VM, state, 1, 131072, "alice", false, disks);
    }

    List<SnapshotInfo> snapshots() {
        return List.copyOf(snapshots);
    }

    SnapshotInfo snapshot(String name) {
        return snapshots.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    boolean exists(String file) {
        return files.containsKey(file);
    }

    ChainLayout build() {
        return ChainLayout.of("host1", VM, domain(), snapshots(), otherDomains, files.values());
    }
}

package io.strata.snapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.strata.imagetool.BackingChains;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.ImageInfo;
import io.strata.imagetool.ImageToolException;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.SnapshotDisk;
import io.strata.libvirt.SnapshotInfo;
import io.strata.libvirt.SnapshotKind;

/**
 * Which file holds what, for one VM, read fresh from the host: the domain's disk chains, every
 * snapshot's image (its point-in-time data) and overlay (written after it), the backing file of
 * each of those files, and the files other domains use. libvirt 9.0 cannot answer these questions
 * once a revert has happened outside it, so Strata works them out from the files themselves.
 */
final class ChainLayout {

    final String host;
    final String vm;
    final DomainSummary domain;
    final List<SnapshotInfo> snapshots;
    /** file → what qemu-img says about it (format, backing file), for every file known here. */
    final Map<String, ImageInfo> images = new HashMap<>();
    /** file → the other domain that uses it. */
    final Map<String, String> otherDomains;

    private ChainLayout(String host, String vm, DomainSummary domain, List<SnapshotInfo> snapshots,
            Map<String, String> otherDomains) {
        this.host = host;
        this.vm = vm;
        this.domain = domain;
        this.snapshots = snapshots;
        this.otherDomains = otherDomains;
    }

    /**
     * A layout from what is already known: the domain (its disks' chains), its snapshots, the
     * files other domains use, and {@code files} besides the disks' chains. Planning and checks
     * take a layout, so they can be tried on a hand-built one without a host.
     */
    static ChainLayout of(String host, String vm, DomainSummary domain, List<SnapshotInfo> snapshots,
            Map<String, String> otherDomains, Collection<ImageInfo> files) {
        ChainLayout l = new ChainLayout(host, vm, domain, snapshots, otherDomains);
        for (DiskInfo disk : domain.disks()) {
            if (disk.chainError() != null) {
                throw new TopologyRefused("disk " + disk.target() + " of " + vm + " cannot be read: " + disk.chainError());
            }
            disk.chain().forEach(i -> l.images.put(i.file(), i));
        }
        files.forEach(i -> l.images.putIfAbsent(i.file(), i));
        return l;
    }

    /** The layout read fresh from the host: the domain, its snapshots, and every file they name that exists. */
    static ChainLayout read(LibvirtGateway gateway, LibvirtSnapshots domainSnapshots, BackingChains chains, ImageFiles files,
            String host, String vm) {
        return read(gateway, chains, files, host, vm, gateway.describe(host, vm), domainSnapshots.snapshots(host, vm));
    }

    /** The layout around a domain and its snapshots just read (a job's reading at its start); the rest read fresh. */
    static ChainLayout read(LibvirtGateway gateway, BackingChains chains, ImageFiles files, String host, String vm,
            DomainSummary d, List<SnapshotInfo> snaps) {
        ChainLayout l = of(host, vm, d, snaps, gateway.filesOfOtherDomains(host, vm), List.of());
        for (SnapshotInfo s : snaps) {
            for (SnapshotDisk sd : s.externalDisks()) {
                l.learn(chains, files, sd.image(), sd.imageFormat());
                l.learn(chains, files, sd.overlay(), "qcow2");
            }
        }
        return l;
    }

    private void learn(BackingChains chains, ImageFiles files, String file, String format) {
        if (file == null || images.containsKey(file) || !files.exists(file)) {
            return;
        }
        try {
            for (ImageInfo i : chains.of(file, format)) {
                images.putIfAbsent(i.file(), i);
            }
        } catch (ImageToolException e) {
            throw new TopologyRefused("snapshot file " + file + " cannot be read: " + e.getMessage());
        }
    }

    boolean running() {
        return domain.state().isActive();
    }

    List<SnapshotInfo> internalSnapshots() {
        return snapshots.stream().filter(s -> s.kind() == SnapshotKind.INTERNAL).toList();
    }

    List<SnapshotInfo> externalSnapshots() {
        return snapshots.stream().filter(s -> s.kind() == SnapshotKind.EXTERNAL).toList();
    }

    Optional<SnapshotInfo> snapshot(String name) {
        return snapshots.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    Optional<DiskInfo> disk(String target) {
        return domain.disks().stream().filter(d -> target.equals(d.target())).findFirst();
    }

    /** The files of a disk's current chain, top first. */
    List<String> chain(String target) {
        return disk(target).map(d -> d.chain().stream().map(ImageInfo::file).toList()).orElse(List.of());
    }

    boolean exists(String file) {
        return file != null && images.containsKey(file);
    }

    String formatOf(String file) {
        ImageInfo i = images.get(file);
        return i == null ? null : i.format();
    }

    /** Known files whose backing file is {@code file}. */
    List<String> dependents(String file) {
        List<String> out = new ArrayList<>();
        images.values().forEach(i -> {
            if (file.equals(i.backingFile())) {
                out.add(i.file());
            }
        });
        out.sort(String::compareTo);
        return out;
    }

    /** The file and every file below it. */
    Set<String> closure(String file) {
        Set<String> out = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        if (file != null) {
            todo.add(file);
        }
        while (!todo.isEmpty()) {
            String f = todo.pop();
            if (out.add(f)) {
                ImageInfo i = images.get(f);
                if (i != null && i.backingFile() != null) {
                    todo.add(i.backingFile());
                }
            }
        }
        return out;
    }

    /** Every file a snapshot of this VM names (images and overlays), whether or not it still exists. */
    Set<String> snapshotFiles() {
        Set<String> out = new LinkedHashSet<>();
        for (SnapshotInfo s : externalSnapshots()) {
            for (SnapshotDisk d : s.externalDisks()) {
                if (d.image() != null) {
                    out.add(d.image());
                }
                if (d.overlay() != null) {
                    out.add(d.overlay());
                }
            }
        }
        return out;
    }

    /**
     * Files still needed when the domain's disks are {@code tops} and only {@code keep} snapshots
     * remain: their chains, and everything other domains use.
     */
    Set<String> referenced(Map<String, String> tops, List<SnapshotInfo> keep) {
        Set<String> out = new LinkedHashSet<>();
        tops.values().forEach(t -> out.addAll(closure(t)));
        for (SnapshotInfo s : keep) {
            for (SnapshotDisk d : s.externalDisks()) {
                out.addAll(closure(d.image()));
            }
        }
        otherDomains.keySet().forEach(f -> out.addAll(closure(f)));
        return out;
    }

    /** target → the file the domain writes to now. */
    Map<String, String> tops() {
        Map<String, String> out = new HashMap<>();
        for (DiskInfo d : domain.disks()) {
            if (d.file() != null && "disk".equals(d.device())) {
                out.put(d.target(), d.file());
            }
        }
        return out;
    }

    /** Refuses when another domain uses one of the files. */
    void requireNotShared(Iterable<String> files, String what) {
        for (String f : files) {
            String other = otherDomains.get(f);
            if (other != null) {
                throw new TopologyRefused(what + " would change " + f + ", which VM " + other
                        + " also uses; detach or flatten that VM's disk first");
            }
        }
    }

    /** Refuses when internal snapshots live in files of an external chain. */
    void requireNoInternalSnapshots(String what) {
        List<String> names = internalSnapshots().stream().map(SnapshotInfo::name).toList();
        if (!names.isEmpty()) {
            throw new TopologyRefused(what + " is refused: " + vm + " also has internal snapshots ("
                    + String.join(", ", names) + ") stored inside the images of its external chain, and merging"
                    + " or replacing those images would lose them; delete the internal snapshots first");
        }
    }
}

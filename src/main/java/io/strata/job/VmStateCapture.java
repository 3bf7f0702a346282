package io.strata.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.ImageInfo;
import io.strata.kernel.Digests;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainReading;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.SnapshotDisk;
import io.strata.libvirt.SnapshotInfo;

/**
 * Reads what a job may change on its VM, before the handler runs and after it ends: the domain XML
 * as {@code virsh dumpxml} shows it, each disk's backing chain as {@code qemu-img info
 * --backing-chain} reports it, the snapshot list, and the size of every file these name. Done once
 * in the job engine around every handler (see {@link JobWorkers}), so no handler has to remember it.
 */
@ApplicationScoped
public class VmStateCapture {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(VmStateCapture.class);

    /** Kinds that only read, or change no VM (a template's images): no before/after is kept for them. */
    static final Set<JobKind> READ_ONLY = EnumSet.of(JobKind.DISK_CHECK, JobKind.INVENTORY_SYNC, JobKind.TEMPLATE_DELETE);

    public record Image(String file, String format, long virtualSize, long actualSize, String backingFile) {
    }

    @Schema(name = "CapturedDisk")
    public record Disk(String target, String file, String format, List<Image> chain, String chainError) {
    }

    public record SnapshotFile(String target, String image, String overlay) {
    }

    public record Snapshot(String name, String kind, String parent, boolean current, String created,
                           List<SnapshotFile> files) {
    }

    public record FileSize(String file, long bytes) {
    }

    /** The VM at one moment; {@code xml} is the SHA-256 of the domain XML (stored apart), null when the VM did not exist. */
    @Schema(name = "CapturedState")
    public record State(String at, boolean exists, String xml, List<Disk> disks, List<Snapshot> snapshots,
                        List<FileSize> files) {
    }

    /**
     * A state with the XML text its digest names, and what libvirt answered (null domain when the
     * VM did not exist): the job's handler and the inventory refresh after the job take these
     * instead of reading the host again.
     */
    public record Reading(State state, String xmlText, Instant at, DomainSummary domain, List<SnapshotInfo> snapshots) {
        ObservedVm observed() {
            return new ObservedVm(domain, snapshots);
        }
    }

    @Inject
    LibvirtGateway libvirt;
    @Inject
    LibvirtSnapshots snapshots;

    static boolean applies(Job j) {
        return vmOf(j) != null && j.host != null && !READ_ONLY.contains(j.kind);
    }

    /** The VM a job changes: its own, or for a clone the new one (the source is only read). */
    static String vmOf(Job j) {
        return j.kind == JobKind.VM_CLONE ? j.target : j.vm;
    }

    public Reading read(String host, String vm) {
        Instant at = Instant.now();
        long t0 = System.nanoTime();
        // One read of the domain for its XML and its disks' chains (was two: dumpxml, then describe).
        DomainReading domain = libvirt.read(host, vm);
        if (domain == null) {
            return new Reading(new State(at.toString(), false, null, List.of(), List.of(), List.of()), null, at, null,
                    List.of());
        }
        String xml = domain.xml();
        List<Disk> disks = new ArrayList<>();
        Map<String, Long> files = new TreeMap<>();
        for (DiskInfo d : domain.domain().disks()) {
            if (!"disk".equals(d.device())) {
                continue;
            }
            List<Image> chain = new ArrayList<>();
            for (ImageInfo i : d.chain()) {
                chain.add(new Image(i.file(), i.format(), i.virtualSize(), i.actualSize(), i.backingFile()));
                note(files, i.file());
            }
            note(files, d.file());
            disks.add(new Disk(d.target(), d.file(), d.format(), chain, d.chainError()));
        }
        long t1 = System.nanoTime();
        List<Snapshot> snaps = new ArrayList<>();
        List<SnapshotInfo> infos = snapshots.snapshots(host, vm);
        LOG.debugf("read %s/%s: domain and chains %.1f ms, snapshot list %.1f ms", host, vm, (t1 - t0) / 1e6,
                (System.nanoTime() - t1) / 1e6);
        for (SnapshotInfo s : infos) {
            List<SnapshotFile> sf = new ArrayList<>();
            for (SnapshotDisk d : s.disks()) {
                if (d.external()) {
                    sf.add(new SnapshotFile(d.target(), d.image(), d.overlay()));
                    note(files, d.image());
                    note(files, d.overlay());
                }
            }
            snaps.add(new Snapshot(s.name(), s.kind().name(), s.parent(), s.current(),
                    s.createdAt() == null ? null : s.createdAt().toString(), sf));
        }
        List<FileSize> sizes = new ArrayList<>();
        files.forEach((f, b) -> sizes.add(new FileSize(f, b)));
        return new Reading(new State(at.toString(), true, Digests.sha256Hex(xml), disks, snaps, sizes), xml, at,
                domain.domain(), infos);
    }

    /**
     * Files the job created (named after it, absent from before, written since it started) and
     * removed (named before, gone after), with their sizes.
     */
    static Map<String, List<FileSize>> createdAndRemoved(Reading before, Reading after) {
        Map<String, Long> was = new LinkedHashMap<>();
        before.state().files().forEach(f -> was.put(f.file(), f.bytes()));
        List<FileSize> created = new ArrayList<>();
        for (FileSize f : after.state().files()) {
            if (!was.containsKey(f.file()) && f.bytes() >= 0 && ImageFiles.writtenSince(f.file(), before.at())) {
                created.add(f);
            }
        }
        List<FileSize> removed = new ArrayList<>();
        was.forEach((file, bytes) -> {
            if (bytes >= 0 && !exists(file)) {
                removed.add(new FileSize(file, bytes));
            }
        });
        Map<String, List<FileSize>> out = new LinkedHashMap<>();
        out.put("created", created);
        out.put("removed", removed);
        return out;
    }

    /** Size in bytes, -1 for a file that does not exist (a snapshot can name a file already gone). */
    private static void note(Map<String, Long> files, String file) {
        if (file == null || files.containsKey(file)) {
            return;
        }
        long size;
        try {
            size = Files.size(Path.of(file));
        } catch (IOException | InvalidPathException e) {
            size = -1;
        }
        files.put(file, size);
    }

    private static boolean exists(String file) {
        try {
            return Files.exists(Path.of(file));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}

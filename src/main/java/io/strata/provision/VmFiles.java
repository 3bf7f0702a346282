package io.strata.provision;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.imagetool.BackingChains;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.ImageInfo;
import io.strata.imagetool.ImageToolException;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtFailure;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.SnapshotDisk;
import io.strata.libvirt.SnapshotInfo;
import io.strata.template.Template;

/**
 * Which image files a VM has, and who else uses them: what a delete checks before it is queued
 * and again right before it removes anything. Read fresh from the host every time.
 */
@ApplicationScoped
public class VmFiles {

    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    BackingChains chains;
    @Inject
    ImageFiles files;

    /**
     * A VM's files. {@code named}: the files the VM itself names (its disks' tops, its external
     * snapshots' images and overlays), which nobody else may use. {@code diskChains}: every file its
     * disks read now; {@code snapshotFiles}: its snapshots' files with their chains. {@code bytes}:
     * allocated bytes by file. {@code problems}: disks or snapshot files that cannot be read.
     */
    record Owned(Set<String> named, Set<String> diskChains, Set<String> snapshotFiles, Map<String, Long> bytes,
                 int snapshots, List<String> problems) {

        Set<String> all() {
            Set<String> out = new LinkedHashSet<>(diskChains);
            out.addAll(snapshotFiles);
            return out;
        }
    }

    Owned of(String host, String vm) {
        DomainSummary d = gateway.describe(host, vm);
        Set<String> named = new LinkedHashSet<>();
        Set<String> disk = new LinkedHashSet<>();
        Set<String> snap = new LinkedHashSet<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (DiskInfo x : d.disks()) {
            if (!"disk".equals(x.device()) || x.file() == null) {
                continue; // CD-ROMs and network disks are not the VM's images
            }
            named.add(x.file());
            if (x.chainError() != null) {
                problems.add("disk " + x.target() + " (" + x.file() + ") cannot be read: " + x.chainError());
            }
            for (ImageInfo i : x.chain()) {
                disk.add(i.file());
                bytes.put(i.file(), i.actualSize());
            }
        }
        List<SnapshotInfo> snapshots = domainSnapshots.snapshots(host, vm);
        for (SnapshotInfo s : snapshots) {
            for (SnapshotDisk sd : s.externalDisks()) {
                for (String[] f : new String[][] { { sd.image(), sd.imageFormat() }, { sd.overlay(), "qcow2" } }) {
                    if (f[0] == null) {
                        continue;
                    }
                    named.add(f[0]);
                    if (!files.exists(f[0])) {
                        continue; // a discarded overlay: nothing to keep or remove
                    }
                    try {
                        for (ImageInfo i : chains.of(f[0], f[1] == null ? "qcow2" : f[1])) {
                            snap.add(i.file());
                            bytes.putIfAbsent(i.file(), i.actualSize());
                        }
                    } catch (ImageToolException e) {
                        problems.add("file " + f[0] + " of snapshot " + s.name() + " cannot be read: " + e.getMessage());
                    }
                }
            }
        }
        return new Owned(named, disk, snap, bytes, snapshots.size(), problems);
    }

    /**
     * file → who else uses it: another domain's disk chains, another VM's snapshot files (with
     * their chains), or a sealed template's images.
     */
    Map<String, String> usedByOthers(String host, String vm) {
        Map<String, String> found = new HashMap<>();
        collectUsers(host, vm, found);
        // Keyed by real path: a symlink or a "dir/../file" backing name is the same file.
        Map<String, String> users = new HashMap<>();
        found.forEach((file, who) -> users.putIfAbsent(ImageFiles.realPath(file), who));
        return users;
    }

    /**
     * Other VMs whose disk chains cannot be read: what they use below their top file is unknown,
     * so nothing of this VM may be removed until they can be read.
     */
    List<String> unreadableOthers(String host, String vm) {
        List<String> out = new ArrayList<>();
        for (String other : gateway.domainNames(host)) {
            if (other.equals(vm)) {
                continue;
            }
            try {
                for (DiskInfo x : gateway.describe(host, other).disks()) {
                    if (x.chainError() != null) {
                        out.add("the disk chain of VM " + other + " (" + x.file() + ") cannot be read: " + x.chainError());
                    }
                }
            } catch (LibvirtFailure e) {
                if (e.kind() != LibvirtFailure.Kind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return out;
    }

    private void collectUsers(String host, String vm, Map<String, String> users) {
        gateway.filesOfOtherDomains(host, vm).forEach((file, other) -> users.put(file, "VM " + other));
        for (String other : gateway.domainNames(host)) {
            if (other.equals(vm)) {
                continue;
            }
            try {
                for (SnapshotInfo s : domainSnapshots.snapshots(host, other)) {
                    for (SnapshotDisk sd : s.externalDisks()) {
                        String who = "snapshot " + s.name() + " of VM " + other;
                        snapshotFileUsers(sd.image(), sd.imageFormat(), who, users);
                        snapshotFileUsers(sd.overlay(), "qcow2", who, users);
                    }
                }
            } catch (LibvirtFailure e) {
                if (e.kind() != LibvirtFailure.Kind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        for (Template t : QuarkusTransaction.requiringNew().call(() -> Template.<Template>list("host", host))) {
            t.diskList().forEach(d -> users.put(d.file(), "template " + t.name));
        }
    }

    private void snapshotFileUsers(String file, String format, String who, Map<String, String> users) {
        if (file == null || !files.exists(file)) {
            return;
        }
        users.putIfAbsent(file, who);
        try {
            chains.of(file, format == null ? "qcow2" : format).forEach(i -> users.putIfAbsent(i.file(), who));
        } catch (ImageToolException e) {
            // its own file is counted; an unreadable chain below it is judged by the domains' chains
        }
    }

    /** The VM's own files that someone else uses, as "file (used by …)". */
    static List<String> conflicts(Owned owned, Map<String, String> users) {
        return owned.named().stream().filter(f -> users.containsKey(ImageFiles.realPath(f)))
                .map(f -> f + " (used by " + users.get(ImageFiles.realPath(f)) + ")").toList();
    }
}

package io.strata.libvirt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.SortedSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainSnapshot;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.w3c.dom.Document;
import io.strata.imagetool.BackingChains;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.ImageInfo;
import io.strata.imagetool.ImageToolException;

/**
 * The only door to libvirt: domains, their snapshots and power. Connections, retries and error
 * translation are {@link LibvirtConnections}'; every libvirt error leaves as a {@link LibvirtFailure}.
 */
@ApplicationScoped
public class LibvirtGateway {

    private static final Logger LOG = Logger.getLogger(LibvirtGateway.class);

    @Inject
    LibvirtConnections libvirt;
    @Inject
    BackingChains backingChains;
    @Inject
    ImageFiles imageFiles;

    /** Makes a host known to the gateway (the host package owns the list). */
    public void register(String host, String uri) {
        libvirt.register(host, uri);
    }

    public boolean isKnown(String host) {
        return libvirt.isKnown(host);
    }

    /** For calls that rewrite existing snapshots' XML (redefine; a delete re-parents children). */
    private void forgetSnapshots(String host, Domain dom) throws LibvirtException {
        parsedSnapshots.remove(host + "/" + dom.getUUIDString());
    }


    // ---------------------------------------------------------------- inventory

    /**
     * Every domain of the host, running or defined. libvirt 0.5.4's Java binding has no
     * listAllDomains, so running ids and defined names are listed separately: a domain that stops
     * or starts in between is caught by listing the defined ones before and after, and one that
     * vanishes between its id and its lookup is skipped.
     */
    public List<String> domainNames(String host) {
        return libvirt.read(host, "listing VMs", conn -> {
            SortedSet<String> names = new TreeSet<>(List.of(conn.listDefinedDomains()));
            for (int id : conn.listDomains()) {
                Domain d;
                try {
                    d = conn.domainLookupByID(id);
                } catch (LibvirtException e) {
                    if (e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                        continue;
                    }
                    throw e;
                }
                try {
                    names.add(d.getName());
                } finally {
                    d.free();
                }
            }
            names.addAll(List.of(conn.listDefinedDomains()));
            return new ArrayList<>(names);
        });
    }

    public DomainSummary describe(String host, String vm) {
        return libvirt.readDomain(host, vm, "reading VM " + vm, dom -> {
            Document xml = Xml.parse(dom.getXMLDesc(0));
            org.libvirt.DomainInfo info = dom.getInfo();
            StrataMetadata meta = StrataMetadata.fromDomainXml(xml);
            List<DiskInfo> disks = new ArrayList<>();
            for (DomainXml.Disk disk : DomainXml.disks(xml)) {
                List<ImageInfo> chain = List.of();
                String chainError = null;
                if (disk.file() != null && "disk".equals(disk.device())) {
                    try {
                        chain = backingChains.of(disk.file(), disk.format());
                    } catch (ImageToolException e) {
                        chainError = e.getMessage();
                    }
                }
                disks.add(new DiskInfo(disk.target(), disk.device(), disk.file(), disk.format(), chain, chainError));
            }
            return new DomainSummary(dom.getName(), dom.getUUIDString(), DomainState.of(info.state),
                    info.nrVirtCpu, info.maxMem, meta.owner(), meta.template(), disks);
        });
    }

    public DomainState state(String host, String vm) {
        return libvirt.readDomain(host, vm, "reading state of " + vm, dom -> DomainState.of(dom.getInfo().state));
    }

    /** Writes Strata's metadata element into the persistent definition (and the live one when running). */
    public void setMetadata(String host, String vm, StrataMetadata meta) {
        libvirt.changeDomain(host, vm, "setting owner of " + vm, dom -> {
            int impact = Domain.ModificationImpact.CONFIG;
            if (dom.isActive() == 1) {
                impact |= Domain.ModificationImpact.LIVE;
            }
            dom.setMetadata(Domain.MetadataType.ELEMENT, meta.toElementXml(), StrataMetadata.PREFIX,
                    StrataMetadata.NAMESPACE, impact);
            return null;
        });
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Parsed snapshots by domain (host/uuid) and name. libvirt answers one round trip per
     * snapshot, so they are kept while the domain's snapshot names stay the same and Strata
     * rewrote none of them ({@link #forgetSnapshots}). The names, the current
     * snapshot and the overlay sizes are read every time. A snapshot redefined by hand under the
     * same name shows after Strata's next change to the domain.
     */
    private final Map<String, Map<String, SnapshotInfo>> parsedSnapshots = new ConcurrentHashMap<>();

    public List<SnapshotInfo> snapshots(String host, String vm) {
        return libvirt.readDomain(host, vm, "listing snapshots of " + vm, dom -> {
            String current = null;
            if (dom.hasCurrentSnapshot() == 1) {
                DomainSnapshot cur = dom.snapshotCurrent();
                try {
                    current = LibvirtNative.snapshotName(cur);
                } finally {
                    cur.free();
                }
            }
            String key = host + "/" + dom.getUUIDString();
            Map<String, SnapshotInfo> known = parsedSnapshots.getOrDefault(key, Map.of());
            List<String> names = List.of(dom.snapshotListNames());
            if (!names.containsAll(known.keySet())) {
                known = Map.of(); // one went away (deleted elsewhere): its children's XML changed too
            }
            Map<String, SnapshotInfo> now = new java.util.HashMap<>();
            for (String name : names) {
                SnapshotInfo info = known.get(name);
                if (info == null) {
                    DomainSnapshot s = dom.snapshotLookupByName(name);
                    try {
                        info = SnapshotXml.parse(s.getXMLDesc(), null, f -> -1);
                    } finally {
                        s.free();
                    }
                }
                now.put(name, info);
            }
            parsedSnapshots.put(key, now);
            List<SnapshotInfo> out = new ArrayList<>();
            for (SnapshotInfo i : now.values()) {
                List<SnapshotDisk> disks = i.disks().stream().map(d -> new SnapshotDisk(d.target(), d.mode(), d.overlay(),
                        d.image(), d.imageFormat(), d.overlay() == null ? -1 : imageFiles.fileBytes(d.overlay()))).toList();
                out.add(new SnapshotInfo(i.name(), i.parent(), i.kind(), i.domainState(), i.description(), i.createdAt(),
                        i.name().equals(current), disks));
            }
            out.sort(Comparator.comparing(SnapshotInfo::createdAt).thenComparing(SnapshotInfo::name));
            return out;
        });
    }

    public boolean hasSnapshot(String host, String vm, String snapshot) {
        return snapshots(host, vm).stream().anyMatch(s -> s.name().equals(snapshot));
    }

    // libvirt flag values (libvirt-java 0.5.4 has no constants for most of them)
    static final int SNAPSHOT_CREATE_REDEFINE = 1;
    static final int SNAPSHOT_CREATE_CURRENT = 2;
    static final int SNAPSHOT_CREATE_DISK_ONLY = 16;
    static final int SNAPSHOT_CREATE_QUIESCE = 64;
    static final int SNAPSHOT_CREATE_ATOMIC = 128;
    static final int SNAPSHOT_DELETE_METADATA_ONLY = 2;
    static final int SNAPSHOT_XML_SECURE = 1;
    static final int DOMAIN_XML_SECURE = 1;
    static final int DOMAIN_XML_INACTIVE = 2;

    /**
     * An external, disk-only snapshot, atomic: each listed disk gets a new qcow2 overlay at the
     * given path; disks not listed (CD-ROMs, network disks) are left out. With {@code quiesce} the
     * guest agent freezes the guest's filesystems first, and the call fails when it cannot.
     */
    public void createExternalSnapshot(String host, String vm, String name, String description,
            Map<String, String> overlayByTarget, List<String> otherTargets, boolean quiesce) {
        String xml = SnapshotXml.externalRequest(name, description, overlayByTarget, otherTargets);
        int flags = SNAPSHOT_CREATE_DISK_ONLY | SNAPSHOT_CREATE_ATOMIC | (quiesce ? SNAPSHOT_CREATE_QUIESCE : 0);
        libvirt.changeDomain(host, vm, "creating external snapshot " + name + " of " + vm, dom -> {
            dom.snapshotCreateXML(xml, flags).free();
            return null;
        });
    }

    /** The snapshot's full XML (with its saved domain), for redefining it after its files moved. */
    public String snapshotXml(String host, String vm, String name) {
        return libvirt.readDomain(host, vm, "reading snapshot " + name + " of " + vm, dom -> {
            DomainSnapshot s = dom.snapshotLookupByName(name);
            try {
                return s.getXMLDesc(SNAPSHOT_XML_SECURE);
            } finally {
                s.free();
            }
        });
    }

    /** Replaces a snapshot's metadata (REDEFINE); files are not touched. */
    public void redefineSnapshot(String host, String vm, String xml, boolean makeCurrent) {
        int flags = SNAPSHOT_CREATE_REDEFINE | (makeCurrent ? SNAPSHOT_CREATE_CURRENT : 0);
        libvirt.changeDomain(host, vm, "updating snapshot metadata of " + vm, dom -> {
            forgetSnapshots(host, dom);
            dom.snapshotCreateXML(xml, flags).free();
            return null;
        });
    }

    /** Removes a snapshot's metadata only (its children move to its parent); files stay. */
    public void deleteSnapshotMetadata(String host, String vm, String name) {
        libvirt.changeDomain(host, vm, "removing snapshot metadata " + name + " of " + vm, dom -> {
            forgetSnapshots(host, dom);
            DomainSnapshot s = dom.snapshotLookupByName(name);
            try {
                s.delete(SNAPSHOT_DELETE_METADATA_ONLY);
            } finally {
                s.free();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- definitions

    /** The persistent definition, secrets included, as {@link #define} takes it back. */
    public String definition(String host, String vm) {
        return libvirt.readDomain(host, vm, "reading definition of " + vm,
                dom -> dom.getXMLDesc(DOMAIN_XML_SECURE | DOMAIN_XML_INACTIVE));
    }

    public void define(String host, String xml) {
        libvirt.change(host, "defining " + DomainXml.name(xml), conn -> {
            conn.domainDefineXML(xml).free();
            return null;
        });
    }

    /**
     * Points disks of a shut-off domain at other files (target → file, format) in its persistent
     * definition; returns the definition as it was, for a rollback.
     */
    public String repointDisks(String host, String vm, Map<String, String[]> fileAndFormatByTarget) {
        String before = definition(host, vm);
        define(host, DomainXml.repointDisks(before, vm, fileAndFormatByTarget));
        return before;
    }

    public boolean exists(String host, String vm) {
        try {
            libvirt.readDomain(host, vm, "looking up " + vm, Domain::getName);
            return true;
        } catch (LibvirtFailure e) {
            if (e.kind() == LibvirtFailure.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** Removes the domain's definition (its files stay); a shut-off domain only. */
    public void undefine(String host, String vm) {
        libvirt.changeDomain(host, vm, "undefining " + vm, dom -> {
            dom.undefine(0);
            return null;
        });
    }

    public void start(String host, String vm) {
        libvirt.changeDomain(host, vm, "starting " + vm, Domain::create);
    }

    public void suspend(String host, String vm) {
        libvirt.changeDomain(host, vm, "pausing " + vm, dom -> {
            dom.suspend();
            return null;
        });
    }

    public void resume(String host, String vm) {
        libvirt.changeDomain(host, vm, "resuming " + vm, dom -> {
            dom.resume();
            return null;
        });
    }

    /** libvirt ≥ 9.9 reverts external snapshots itself and then says so in its capabilities. */
    public boolean revertsExternalSnapshots(String host) {
        return libvirt.read(host, "reading capabilities", conn ->
                DomainXml.revertsExternalSnapshots(conn.getCapabilities()));
    }

    /** Every disk file of every other domain of the host, with their backing chains → one such domain. */
    public Map<String, String> filesOfOtherDomains(String host, String vm) {
        Map<String, String> owner = new java.util.HashMap<>();
        domainsByFile(host).forEach((file, domains) -> domains.stream().filter(d -> !d.equals(vm)).findFirst()
                .ifPresent(d -> owner.put(file, d)));
        return owner;
    }

    /** Every disk file (with backing chains) of every domain of the host → the domains using it. */
    public Map<String, java.util.SortedSet<String>> domainsByFile(String host) {
        Map<String, java.util.SortedSet<String>> users = new java.util.HashMap<>();
        for (String name : domainNames(host)) {
            DomainSummary d;
            try {
                d = describe(host, name);
            } catch (LibvirtFailure e) {
                if (e.kind() == LibvirtFailure.Kind.NOT_FOUND) {
                    continue;
                }
                throw e;
            }
            for (DiskInfo disk : d.disks()) {
                if (disk.file() != null) {
                    users.computeIfAbsent(disk.file(), k -> new java.util.TreeSet<>()).add(name);
                }
                disk.chain().forEach(img -> users.computeIfAbsent(img.file(), k -> new java.util.TreeSet<>()).add(name));
            }
        }
        return users;
    }

    /** An internal snapshot (disks, plus memory when running), created atomically. */
    public void createInternalSnapshot(String host, String vm, String name, String description) {
        String xml = SnapshotXml.internalRequest(name, description);
        libvirt.changeDomain(host, vm, "creating snapshot " + name + " of " + vm, dom -> {
            dom.snapshotCreateXML(xml, Domain.SnapshotCreateFlags.ATOMIC).free();
            return null;
        });
    }

    public void revertToSnapshot(String host, String vm, String name) {
        libvirt.changeDomain(host, vm, "reverting " + vm + " to " + name, dom -> {
            DomainSnapshot s = dom.snapshotLookupByName(name);
            try {
                dom.revertToSnapshot(s);
            } finally {
                s.free();
            }
            return null;
        });
    }

    /** Deletes one snapshot; its children are re-parented to its parent by libvirt. */
    public void deleteSnapshot(String host, String vm, String name) {
        libvirt.changeDomain(host, vm, "deleting snapshot " + name + " of " + vm, dom -> {
            forgetSnapshots(host, dom);
            DomainSnapshot s = dom.snapshotLookupByName(name);
            try {
                s.delete(0);
            } finally {
                s.free();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- power (VM lifecycle)

    /**
     * Asks the guest to shut down (ACPI, agent, or libvirt's choice). An ACPI request returns at
     * once; an agent request blocks until the guest is gone or libvirt gave up (60 s). It runs on a
     * connection of its own: while it waits, calls on the shared connection (the state polls of the
     * waiting job) stalled behind it here.
     */
    public void shutdown(String host, String vm, PowerMode mode) {
        String what = "asking " + vm + " to shut down (" + mode.label() + ")";
        Connect own = libvirt.openOwn(host, what);
        try {
            LibvirtConnections.withDomain(own, vm, dom -> {
                DomainPower.shutdown(dom, mode);
                return null;
            });
        } catch (LibvirtException e) {
            throw LibvirtConnections.translate(host, what, e);
        } finally {
            try {
                own.close();
            } catch (LibvirtException e) {
                LOG.debugf("closing the shutdown connection to %s: %s", host, e.getMessage());
            }
        }
    }

    /** Powers the domain off at once, like pulling the plug (virsh destroy). */
    public void destroy(String host, String vm) {
        libvirt.changeDomain(host, vm, "forcing off " + vm, dom -> {
            dom.destroy();
            return null;
        });
    }

    /** Asks the guest to reboot (ACPI, agent, or libvirt's choice); returns at once. */
    public void reboot(String host, String vm, PowerMode mode) {
        libvirt.changeDomain(host, vm, "asking " + vm + " to reboot (" + mode.label() + ")", dom -> {
            dom.reboot(mode.flags);
            return null;
        });
    }

    /**
     * Whether the QEMU guest agent answers a guest-ping within {@code timeoutSeconds}. False when
     * the domain is not running, has no agent channel or nobody answers; a missing domain throws.
     */
    public boolean guestAgentPing(String host, String vm, int timeoutSeconds) {
        try {
            libvirt.readDomain(host, vm, "pinging the guest agent of " + vm,
                    dom -> dom.qemuAgentCommand("{\"execute\":\"guest-ping\"}", Math.max(1, timeoutSeconds), 0));
            return true;
        } catch (LibvirtFailure e) {
            if (e.kind() == LibvirtFailure.Kind.NOT_FOUND || e.kind() == LibvirtFailure.Kind.HOST_UNAVAILABLE) {
                throw e;
            }
            return false;
        }
    }

    // ---------------------------------------------------------------- delete (VM removal)

    // virDomainUndefineFlagsValues: MANAGED_SAVE 1, SNAPSHOTS_METADATA 2, NVRAM 4, CHECKPOINTS_METADATA 32
    static final int UNDEFINE_ALL_METADATA = 1 | 2 | 4 | 32;

    /**
     * Removes a shut-off domain's definition with its snapshot and checkpoint metadata, managed
     * save image and NVRAM file; disk images (and external snapshots' overlays) stay.
     */
    public void undefineWithMetadata(String host, String vm) {
        libvirt.changeDomain(host, vm, "undefining " + vm + " with its snapshot metadata and NVRAM", dom -> {
            forgetSnapshots(host, dom);
            dom.undefine(UNDEFINE_ALL_METADATA);
            return null;
        });
    }
}

package io.strata.libvirt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.libvirt.Domain;
import org.libvirt.DomainSnapshot;
import org.libvirt.LibvirtException;

import io.strata.imagetool.ImageFiles;
import io.strata.kernel.Digests;

/**
 * A domain's snapshots in libvirt: listed and parsed (kept per domain while they do not change),
 * created (internal, or external disk-only and atomic), reverted, deleted, and their metadata
 * redefined or removed without touching files.
 */
@ApplicationScoped
public class LibvirtSnapshots {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LibvirtSnapshots.class);

    @Inject
    LibvirtConnections libvirt;
    @Inject
    ImageFiles imageFiles;

    /**
     * Parsed snapshots by domain (host/uuid) and name. libvirt answers one round trip per
     * snapshot, so they are kept while the domain's snapshot names stay the same and Strata
     * rewrote none of them ({@link #forget}). The names, the current
     * snapshot and the overlay sizes are read every time. A snapshot redefined by hand under the
     * same name (virsh snapshot-create --redefine, e.g. an older creationTime) is read again by the
     * inventory sync ({@link #snapshotsReread}), which refreshes what is kept here.
     */
    private final Map<String, Map<String, Parsed>> parsedSnapshots = new ConcurrentHashMap<>();

    /** A snapshot as parsed, with the digest of the XML it came from: a re-read whose XML has the same digest is not parsed again. */
    private record Parsed(SnapshotInfo info, String xmlDigest) {
    }

    /** The domain's snapshots; unchanged names are taken from what was parsed before. */
    public List<SnapshotInfo> snapshots(String host, String vm) {
        return snapshots(host, vm, false);
    }

    /**
     * The domain's snapshots, every one's XML read again: what the inventory sync uses, so the
     * cache follows metadata changed outside Strata under the same names.
     */
    public List<SnapshotInfo> snapshotsReread(String host, String vm) {
        return snapshots(host, vm, true);
    }

    private List<SnapshotInfo> snapshots(String host, String vm, boolean reread) {
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
            Map<String, Parsed> before = parsedSnapshots.getOrDefault(key, Map.of());
            Map<String, Parsed> known = reread ? Map.of() : before;
            List<String> names = List.of(dom.snapshotListNames());
            if (!names.containsAll(known.keySet())) {
                known = Map.of(); // one went away (deleted elsewhere): its children's XML changed too
            }
            Map<String, Parsed> now = new java.util.HashMap<>();
            for (String name : names) {
                Parsed p = known.get(name);
                if (p == null) {
                    long t0 = System.nanoTime();
                    String xml;
                    DomainSnapshot s = dom.snapshotLookupByName(name);
                    try {
                        xml = s.getXMLDesc();
                    } finally {
                        s.free();
                    }
                    long t1 = System.nanoTime();
                    // Parsing costs far more than libvirt's answer: a full sync of
                    // 10,000 unchanged snapshots only compares digests.
                    String digest = Digests.sha256Hex(xml);
                    Parsed old = before.get(name);
                    p = old != null && old.xmlDigest().equals(digest) ? old
                            : new Parsed(SnapshotXml.parse(xml, null, f -> -1), digest);
                    if (LOG.isDebugEnabled()) {
                        LOG.debugf("snapshot %s of %s: XML read %.1f ms (%d chars), digest and parse %.1f ms",
                                io.strata.kernel.InputRules.printable(name), io.strata.kernel.InputRules.printable(vm),
                                (t1 - t0) / 1e6, xml.length(), (System.nanoTime() - t1) / 1e6);
                    }
                }
                now.put(name, p);
            }
            parsedSnapshots.put(key, now);
            List<SnapshotInfo> out = new ArrayList<>();
            for (Parsed parsed : now.values()) {
                SnapshotInfo i = parsed.info();
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
            forget(host, dom);
            dom.snapshotCreateXML(xml, flags).free();
            return null;
        });
    }

    /** Removes a snapshot's metadata only (its children move to its parent); files stay. */
    public void deleteSnapshotMetadata(String host, String vm, String name) {
        libvirt.changeDomain(host, vm, "removing snapshot metadata " + name + " of " + vm, dom -> {
            forget(host, dom);
            DomainSnapshot s = dom.snapshotLookupByName(name);
            try {
                s.delete(SNAPSHOT_DELETE_METADATA_ONLY);
            } finally {
                s.free();
            }
            return null;
        });
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
            forget(host, dom);
            DomainSnapshot s = dom.snapshotLookupByName(name);
            try {
                s.delete(0);
            } finally {
                s.free();
            }
            return null;
        });
    }

    /** libvirt ≥ 9.9 reverts external snapshots itself and then says so in its capabilities. */
    public boolean revertsExternalSnapshots(String host) {
        return libvirt.read(host, "reading capabilities", conn ->
                DomainXml.revertsExternalSnapshots(conn.getCapabilities()));
    }

    /** For calls that rewrite existing snapshots' XML (redefine; a delete re-parents children). */
    void forget(String host, Domain dom) throws LibvirtException {
        parsedSnapshots.remove(host + "/" + dom.getUUIDString());
    }
}

package io.strata.libvirt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainSnapshot;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The only door to libvirt. One shared connection per host (libvirt connections are thread-safe),
 * reopened when libvirtd went away; every libvirt error leaves here as a {@link LibvirtFailure}.
 */
@ApplicationScoped
public class LibvirtGateway {

    private static final Logger LOG = Logger.getLogger(LibvirtGateway.class);

    static {
        try {
            // Without a callback libvirt prints every error (including expected "not found") to stderr.
            Connect.setErrorCallback((userData, error) -> { });
        } catch (LibvirtException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            LOG.warn("could not install the libvirt error callback: " + e);
        }
    }

    private final Map<String, String> uris = new ConcurrentHashMap<>();
    private final Map<String, Connect> connections = new ConcurrentHashMap<>();

    @Inject
    ImageTool imageTool;

    /** Makes a host known to the gateway (the host package owns the list). */
    public void register(String host, String uri) {
        String old = uris.put(host, uri);
        if (old != null && !old.equals(uri)) {
            drop(host);
        }
    }

    public boolean isKnown(String host) {
        return uris.containsKey(host);
    }

    @FunctionalInterface
    interface LibvirtCall<T> {
        T apply(Connect conn) throws LibvirtException;
    }

    @FunctionalInterface
    interface DomainCall<T> {
        T apply(Domain dom) throws LibvirtException;
    }

    /** A read: retried once on a fresh connection when the old one turned out dead. */
    <T> T read(String host, String what, LibvirtCall<T> call) {
        try {
            return call.apply(connection(host));
        } catch (LibvirtException e) {
            if (isConnectionError(e)) {
                drop(host);
                try {
                    return call.apply(connection(host));
                } catch (LibvirtException again) {
                    throw translate(host, what, again);
                }
            }
            throw translate(host, what, e);
        }
    }

    /** A change: never retried, since libvirt may have acted before the connection broke. */
    <T> T change(String host, String what, LibvirtCall<T> call) {
        Connect conn = connection(host);
        try {
            return call.apply(conn);
        } catch (LibvirtException e) {
            if (isConnectionError(e)) {
                drop(host);
            }
            throw translate(host, what, e);
        }
    }

    <T> T readDomain(String host, String vm, String what, DomainCall<T> call) {
        return read(host, what, conn -> withDomain(conn, vm, call));
    }

    <T> T changeDomain(String host, String vm, String what, DomainCall<T> call) {
        return change(host, what, conn -> withDomain(conn, vm, call));
    }

    private static <T> T withDomain(Connect conn, String vm, DomainCall<T> call) throws LibvirtException {
        Domain dom = conn.domainLookupByName(vm);
        try {
            return call.apply(dom);
        } finally {
            dom.free();
        }
    }

    // ---------------------------------------------------------------- inventory

    public List<String> domainNames(String host) {
        return read(host, "listing VMs", conn -> {
            List<String> names = new ArrayList<>();
            for (int id : conn.listDomains()) {
                Domain d = conn.domainLookupByID(id);
                try {
                    names.add(d.getName());
                } finally {
                    d.free();
                }
            }
            names.addAll(List.of(conn.listDefinedDomains()));
            names.sort(Comparator.naturalOrder());
            return names;
        });
    }

    public DomainSummary describe(String host, String vm) {
        return readDomain(host, vm, "reading VM " + vm, dom -> {
            Document xml = Xml.parse(dom.getXMLDesc(0));
            org.libvirt.DomainInfo info = dom.getInfo();
            StrataMetadata meta = StrataMetadata.fromDomainXml(xml);
            List<DiskInfo> disks = new ArrayList<>();
            for (Element disk : Xml.elements(xml, "/domain/devices/disk")) {
                String file = Xml.string(disk, "source/@file");
                String device = disk.getAttribute("device");
                String target = Xml.string(disk, "target/@dev");
                String format = Xml.string(disk, "driver/@type");
                List<ImageInfo> chain = List.of();
                String chainError = null;
                if (file != null && "disk".equals(device)) {
                    try {
                        chain = imageTool.backingChain(file, format, DomainState.of(info.state).isActive());
                    } catch (ImageToolException e) {
                        chainError = e.getMessage();
                    }
                }
                disks.add(new DiskInfo(target, device, file, format, chain, chainError));
            }
            return new DomainSummary(dom.getName(), dom.getUUIDString(), DomainState.of(info.state),
                    info.nrVirtCpu, info.maxMem, meta.owner(), meta.template(), disks);
        });
    }

    public DomainState state(String host, String vm) {
        return readDomain(host, vm, "reading state of " + vm, dom -> DomainState.of(dom.getInfo().state));
    }

    /** Writes Strata's metadata element into the persistent definition (and the live one when running). */
    public void setMetadata(String host, String vm, StrataMetadata meta) {
        changeDomain(host, vm, "setting owner of " + vm, dom -> {
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

    public List<SnapshotInfo> snapshots(String host, String vm) {
        return readDomain(host, vm, "listing snapshots of " + vm, dom -> {
            String current = null;
            if (dom.hasCurrentSnapshot() == 1) {
                DomainSnapshot cur = dom.snapshotCurrent();
                try {
                    current = Xml.string(Xml.parse(cur.getXMLDesc()), "/domainsnapshot/name");
                } finally {
                    cur.free();
                }
            }
            List<SnapshotInfo> out = new ArrayList<>();
            for (String name : dom.snapshotListNames()) {
                DomainSnapshot s = dom.snapshotLookupByName(name);
                try {
                    out.add(parseSnapshot(Xml.parse(s.getXMLDesc()), current));
                } finally {
                    s.free();
                }
            }
            out.sort(Comparator.comparing(SnapshotInfo::createdAt).thenComparing(SnapshotInfo::name));
            return out;
        });
    }

    public boolean hasSnapshot(String host, String vm, String snapshot) {
        return snapshots(host, vm).stream().anyMatch(s -> s.name().equals(snapshot));
    }

    static SnapshotInfo parseSnapshot(Document xml, String currentName) {
        String name = Xml.string(xml, "/domainsnapshot/name");
        String parent = Xml.string(xml, "/domainsnapshot/parent/name");
        String created = Xml.string(xml, "/domainsnapshot/creationTime");
        boolean external = !Xml.elements(xml, "/domainsnapshot/disks/disk[@snapshot='external']").isEmpty()
                || "external".equals(Xml.string(xml, "/domainsnapshot/memory/@snapshot"));
        return new SnapshotInfo(name, parent, external ? SnapshotKind.EXTERNAL : SnapshotKind.INTERNAL,
                Xml.string(xml, "/domainsnapshot/state"), Xml.string(xml, "/domainsnapshot/description"),
                created == null ? Instant.EPOCH : Instant.ofEpochSecond(Long.parseLong(created)),
                name.equals(currentName));
    }

    /** An internal snapshot (disks, plus memory when running), created atomically. */
    public void createInternalSnapshot(String host, String vm, String name, String description) {
        Document d = Xml.newDocument("domainsnapshot");
        Element root = d.getDocumentElement();
        Xml.addText(root, "name", name);
        if (description != null && !description.isBlank()) {
            Xml.addText(root, "description", description);
        }
        String xml = Xml.serialize(root);
        changeDomain(host, vm, "creating snapshot " + name + " of " + vm, dom -> {
            dom.snapshotCreateXML(xml, Domain.SnapshotCreateFlags.ATOMIC).free();
            return null;
        });
    }

    public void revertToSnapshot(String host, String vm, String name) {
        changeDomain(host, vm, "reverting " + vm + " to " + name, dom -> {
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
        changeDomain(host, vm, "deleting snapshot " + name + " of " + vm, dom -> {
            DomainSnapshot s = dom.snapshotLookupByName(name);
            try {
                s.delete(0);
            } finally {
                s.free();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- connections and errors

    private Connect connection(String host) {
        String uri = uris.get(host);
        if (uri == null) {
            throw new LibvirtFailure(LibvirtFailure.Kind.NOT_FOUND, "no host named " + host);
        }
        Connect conn = connections.get(host);
        if (conn != null) {
            try {
                if (conn.isAlive()) {
                    return conn;
                }
            } catch (LibvirtException e) {
                // dead: fall through and reopen
            }
            drop(host);
        }
        synchronized (this) {
            conn = connections.get(host);
            if (conn != null) {
                return conn;
            }
            try {
                conn = new Connect(uri);
            } catch (LibvirtException e) {
                throw new LibvirtFailure(LibvirtFailure.Kind.HOST_UNAVAILABLE,
                        "host " + host + " (" + uri + ") does not answer: " + e.getError().getMessage(), e);
            } catch (UnsatisfiedLinkError e) {
                throw new LibvirtFailure(LibvirtFailure.Kind.HOST_UNAVAILABLE,
                        "the libvirt client library is not installed on this machine (libvirt0)", null);
            }
            connections.put(host, conn);
            return conn;
        }
    }

    private void drop(String host) {
        Connect conn = connections.remove(host);
        if (conn != null) {
            try {
                conn.close();
            } catch (LibvirtException e) {
                LOG.debugf("closing a dead connection to %s: %s", host, e.getMessage());
            }
        }
    }

    private static boolean isConnectionError(LibvirtException e) {
        ErrorNumber code = e.getError().getCode();
        return code == ErrorNumber.VIR_ERR_INVALID_CONN || code == ErrorNumber.VIR_ERR_NO_CONNECT
                || code == ErrorNumber.VIR_ERR_RPC || code == ErrorNumber.VIR_ERR_SYSTEM_ERROR
                || (code == ErrorNumber.VIR_ERR_INTERNAL_ERROR && String.valueOf(e.getError().getMessage())
                        .contains("client socket is closed"));
    }

    static LibvirtFailure translate(String host, String what, LibvirtException e) {
        ErrorNumber code = e.getError().getCode();
        String msg = e.getError().getMessage();
        LibvirtFailure.Kind kind = switch (code) {
            case VIR_ERR_NO_DOMAIN, VIR_ERR_NO_DOMAIN_SNAPSHOT -> LibvirtFailure.Kind.NOT_FOUND;
            case VIR_ERR_OPERATION_INVALID, VIR_ERR_DOM_EXIST, VIR_ERR_RESOURCE_BUSY,
                    VIR_ERR_BLOCK_COPY_ACTIVE, VIR_ERR_SNAPSHOT_REVERT_RISKY -> LibvirtFailure.Kind.CONFLICT;
            case VIR_ERR_INVALID_CONN, VIR_ERR_NO_CONNECT, VIR_ERR_RPC, VIR_ERR_SYSTEM_ERROR ->
                LibvirtFailure.Kind.HOST_UNAVAILABLE;
            default -> LibvirtFailure.Kind.FAILED;
        };
        return new LibvirtFailure(kind, what + " on host " + host + " failed: " + msg, e);
    }

    @PreDestroy
    void closeAll() {
        for (String host : List.copyOf(connections.keySet())) {
            drop(host);
        }
    }
}

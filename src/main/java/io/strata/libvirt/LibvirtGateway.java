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
    LibvirtSnapshots snapshots;
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

    // libvirt flag values (libvirt-java 0.5.4 has no constants for most of them)
    static final int DOMAIN_XML_SECURE = 1;
    static final int DOMAIN_XML_INACTIVE = 2;

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

    /** What a domain's XML says (its owner, its disks), with the digest of that XML. */
    private record ParsedDomain(String xmlDigest, StrataMetadata meta, List<DomainXml.Disk> disks) {
    }

    /** host/name → the domain's XML as last parsed: a sync of unchanged domains compares digests, it parses nothing. */
    private final Map<String, ParsedDomain> parsedDomains = new ConcurrentHashMap<>();

    public DomainSummary describe(String host, String vm) {
        return libvirt.readDomain(host, vm, "reading VM " + vm, dom -> summary(host, dom, dom.getXMLDesc(0)));
    }

    /**
     * The domain's XML (as {@link #dumpXml}) with its {@link #describe} made from that same text:
     * one read where a caller needs both (a job's before and after readings). Null when there is no
     * such domain.
     */
    public DomainReading read(String host, String vm) {
        try {
            return libvirt.readDomain(host, vm, "reading VM " + vm, dom -> {
                String text = dom.getXMLDesc(0);
                return new DomainReading(text, summary(host, dom, text));
            });
        } catch (LibvirtFailure e) {
            if (e.kind() == LibvirtFailure.Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /** The domain's XML parsed, or as last parsed when its digest is the same. */
    private ParsedDomain parsed(String host, String vm, String text) {
        String digest = io.strata.kernel.Digests.sha256Hex(text);
        String key = host + "/" + vm;
        ParsedDomain parsed = parsedDomains.get(key);
        if (parsed == null || !parsed.xmlDigest().equals(digest)) {
            Document xml = Xml.parse(text);
            parsed = new ParsedDomain(digest, StrataMetadata.fromDomainXml(xml), List.copyOf(DomainXml.disks(xml)));
            if (parsedDomains.size() > 20_000) {
                parsedDomains.clear(); // domains come and go; a bound instead of tracking each removal
            }
            parsedDomains.put(key, parsed);
        }
        return parsed;
    }

    private DomainSummary summary(String host, Domain dom, String text) throws LibvirtException {
        org.libvirt.DomainInfo info = dom.getInfo();
        ParsedDomain parsed = parsed(host, dom.getName(), text);
        StrataMetadata meta = parsed.meta();
        List<DiskInfo> disks = new ArrayList<>();
        for (DomainXml.Disk disk : parsed.disks()) {
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
    }

    /** Strata's metadata of the domain (its owner): one read of its XML, no disk or snapshot work. */
    public StrataMetadata metadata(String host, String vm) {
        return libvirt.readDomain(host, vm, "reading owner of " + vm,
                dom -> StrataMetadata.fromDomainXml(Xml.parse(dom.getXMLDesc(0))));
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

    // ---------------------------------------------------------------- definitions

    /** The persistent definition, secrets included, as {@link #define} takes it back. */
    public String definition(String host, String vm) {
        return libvirt.readDomain(host, vm, "reading definition of " + vm,
                dom -> dom.getXMLDesc(DOMAIN_XML_SECURE | DOMAIN_XML_INACTIVE));
    }

    /** The domain XML as {@code virsh dumpxml} shows it (live when running, no secrets); null when there is no such domain. */
    public String dumpXml(String host, String vm) {
        try {
            return libvirt.readDomain(host, vm, "reading XML of " + vm, dom -> dom.getXMLDesc(0));
        } catch (LibvirtFailure e) {
            if (e.kind() == LibvirtFailure.Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
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

    /**
     * Reads (through this gateway) that a job must finish once it changed the host: done again
     * from the start while the host's libvirtd restarts (see {@code strata.libvirt.reconnect-wait}).
     */
    public <T> T readWaiting(String host, String what, java.util.function.Supplier<T> reads) {
        return libvirt.waitingOut(host, what, reads);
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
            snapshots.forget(host, dom);
            dom.undefine(UNDEFINE_ALL_METADATA);
            return null;
        });
    }
}

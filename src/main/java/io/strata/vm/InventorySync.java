package io.strata.vm;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.strata.host.Host;
import io.strata.job.JobFinished;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtFailure;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.SnapshotInfo;
import io.strata.vm.SnapshotRecord;
import io.strata.libvirt.SnapshotDisk;
import io.strata.libvirt.SnapshotKind;

/**
 * Copies libvirt's view of domains and snapshots into the cache tables: after every job, on
 * demand (INVENTORY_SYNC jobs) and periodically (one node at a time).
 */
@ApplicationScoped
public class InventorySync {

    private static final Logger LOG = Logger.getLogger(InventorySync.class);
    private static final long PERIODIC_SYNC_LOCK = 0x5354524154415359L;

    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    ObjectMapper json;
    @Inject
    EntityManager em;
    @Inject
    javax.sql.DataSource dataSource;

    /** Refreshes one VM; removes its row when the domain is gone. Returns the row, or null. */
    public Vm syncVm(String host, String name) {
        DomainSummary d;
        List<SnapshotInfo> snaps;
        try {
            d = gateway.describe(host, name);
            // Read every snapshot's XML again: a redefinition outside Strata keeps the names.
            snaps = domainSnapshots.snapshotsReread(host, name);
        } catch (LibvirtFailure e) {
            if (e.kind() == LibvirtFailure.Kind.NOT_FOUND) {
                QuarkusTransaction.requiringNew().run(() -> Vm.find(host, name).ifPresent(Vm::delete));
                return null;
            }
            throw e;
        }
        return refresh(host, d, snaps);
    }

    /** Writes one VM's row and snapshot rows from what was read of it; the row goes when {@code d} is null (no such domain). */
    Vm refresh(String host, String name, DomainSummary d, List<SnapshotInfo> snaps) {
        if (d == null) {
            QuarkusTransaction.requiringNew().run(() -> Vm.find(host, name).ifPresent(Vm::delete));
            return null;
        }
        return refresh(host, d, snaps);
    }

    private Vm refresh(String host, DomainSummary d, List<SnapshotInfo> snaps) {
        String disks = toJson(d.disks());
        return QuarkusTransaction.requiringNew().call(() -> store(host, d, snaps, disks));
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "strata.inventory.sync-interval", defaultValue = "60s")
    String syncInterval;

    private final java.util.Map<String, Instant> lastHostSync = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Syncs the host when this node has not done so within one sync interval, so a list never
     * shows an inventory older than that (e.g. right after a start). A host that does not answer
     * leaves the cached list as it is.
     */
    public void ensureFresh(String host) {
        Instant last = lastHostSync.get(host);
        java.time.Duration interval = java.time.Duration.parse("PT" + syncInterval.toUpperCase());
        if (last == null || last.plus(interval).isBefore(Instant.now())) {
            try {
                syncHost(host);
            } catch (LibvirtFailure e) {
                LOG.warnf("sync of host %s: %s", host, e.getMessage());
            }
        }
    }

    /** Domains written per transaction by a host sync. */
    private static final int SYNC_CHUNK = 500;

    /** Threads reading one host's domains at once (libvirt connections are thread-safe; each read is a few round trips). */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "strata.inventory.read-threads", defaultValue = "4")
    int readThreads;

    @Inject
    InventoryBatch batch;

    /**
     * Refreshes every domain of a host and drops rows of domains that no longer exist. Reads
     * libvirt first (no transaction open, a few domains at once), then writes in a few transactions
     * of many domains each ({@link InventoryBatch}): a host of a thousand domains costs a handful of
     * statements, and rows that did not change are not written.
     */
    public int syncHost(String host) {
        lastHostSync.put(host, Instant.now());
        List<String> names = gateway.domainNames(host);
        Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<InventoryBatch.Read> reads = readAll(host, names, seen);
        for (int from = 0; from < reads.size(); from += SYNC_CHUNK) {
            List<InventoryBatch.Read> chunk = reads.subList(from, Math.min(reads.size(), from + SYNC_CHUNK));
            QuarkusTransaction.requiringNew().run(() -> batch.storeAll(host, chunk));
        }
        QuarkusTransaction.requiringNew().run(() -> batch.deleteAllBut(host, seen));
        return seen.size();
    }

    /** Each named domain with its snapshots, read by up to {@code readThreads} threads; in name order. */
    private List<InventoryBatch.Read> readAll(String host, List<String> names, Set<String> seen) {
        InventoryBatch.Read[] out = new InventoryBatch.Read[names.size()];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        // A domain that could not be read must fail the sync, never look gone (its row would be dropped).
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Runnable reader = () -> {
            for (int i; failed.get() == null && (i = next.getAndIncrement()) < names.size(); ) {
                String n = names.get(i);
                try {
                    DomainSummary d = gateway.describe(host, n);
                    out[i] = new InventoryBatch.Read(d, domainSnapshots.snapshotsReread(host, n), toJson(d.disks()));
                    seen.add(n);
                } catch (LibvirtFailure e) {
                    if (e.kind() != LibvirtFailure.Kind.NOT_FOUND) {
                        LOG.warnf("sync of %s/%s: %s", host, n, e.getMessage());
                        seen.add(n); // keep the stale row rather than lose its owner
                    }
                } catch (RuntimeException e) {
                    failed.compareAndSet(null, e);
                }
            }
        };
        int threads = Math.max(1, Math.min(readThreads, names.size() / 50 + 1));
        List<Thread> helpers = new java.util.ArrayList<>();
        for (int t = 1; t < threads; t++) {
            Thread helper = new Thread(reader, "strata-sync-" + t);
            helper.setDaemon(true);
            helper.start();
            helpers.add(helper);
        }
        reader.run();
        for (Thread t : helpers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading host " + host, e);
            }
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        return java.util.Arrays.stream(out).filter(java.util.Objects::nonNull).toList();
    }

    private Vm store(String host, DomainSummary d, List<SnapshotInfo> snaps, String disks) {
        // Two syncs of one VM (a request's lookup and a job's refresh) must not both insert it. The
        // rows are a cache of libvirt: the commit need not wait for the WAL flush (a crash loses at
        // most a refresh, which the next sync redoes; a job's outcome commits later and flushes it).
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1)), set_config('synchronous_commit', 'off', true)")
                .setParameter(1, host + "/" + d.name()).getResultList();
        Vm vm = Vm.find(host, d.name()).orElse(null);
        if (vm == null) {
            vm = new Vm();
            vm.host = host;
            vm.name = d.name();
        }
        boolean fresh = vm.id == null;
        apply(vm, d, disks);
        vm.persist();
        // Rewritten only when they changed: after a job that changed one snapshot, or none (a power
        // job), the rows mostly say what libvirt says already.
        List<SnapshotRecord> want = records(vm.id, snaps);
        List<SnapshotRecord> have = fresh ? List.of() : SnapshotRecord.<SnapshotRecord>list("vmId", vm.id);
        if (!sameSnapshots(have, want)) {
            for (SnapshotRecord old : have) {
                old.delete();
            }
            em.flush();
            want.forEach(r -> r.persist());
        }
        return vm;
    }

    /** The domain's fields onto its row (persisted by the caller). */
    static void apply(Vm vm, DomainSummary d, String disks) {
        if (vm.uuid != null && !vm.uuid.equals(d.uuid())) {
            // A different domain now has this name: the old owner must not carry over.
            vm.owner = null;
        }
        vm.uuid = d.uuid();
        if (d.owner() != null) {
            vm.owner = d.owner();
        }
        vm.template = d.template();
        vm.state = d.state().label();
        vm.vcpus = d.vcpus();
        vm.memoryKib = d.memoryKib();
        vm.disksJson = disks;
        vm.syncedAt = Instant.now();
    }

    /** The rows a VM's snapshots make (not yet persisted). */
    static List<SnapshotRecord> records(Long vmId, List<SnapshotInfo> snaps) {
        List<SnapshotRecord> out = new java.util.ArrayList<>();
        for (SnapshotInfo s : snaps) {
            SnapshotRecord r = new SnapshotRecord();
            r.vmId = vmId == null ? 0 : vmId;
            r.name = s.name();
            r.parent = s.parent();
            r.kind = s.kind().name();
            r.state = s.domainState();
            r.description = s.description();
            r.createdAt = s.createdAt();
            r.current = s.current();
            if (s.kind() == SnapshotKind.EXTERNAL) {
                StringBuilder files = new StringBuilder();
                long bytes = 0;
                for (SnapshotDisk sd : s.externalDisks()) {
                    files.append(sd.target()).append(": ").append(sd.image()).append(" → ").append(sd.overlay())
                            .append(sd.overlayBytes() < 0 ? " (discarded)" : "").append('\n');
                    bytes += Math.max(0, sd.overlayBytes());
                }
                r.files = files.toString().strip();
                r.overlayBytes = bytes;
            }
            out.add(r);
        }
        return out;
    }

    /** Whether the stored rows say the same as the new ones (order aside). */
    static boolean sameSnapshots(List<SnapshotRecord> have, List<SnapshotRecord> want) {
        if (have.size() != want.size()) {
            return false;
        }
        java.util.Map<String, List<Object>> a = new java.util.HashMap<>();
        for (SnapshotRecord r : have) {
            a.put(r.name, fields(r));
        }
        for (SnapshotRecord r : want) {
            if (!fields(r).equals(a.get(r.name))) {
                return false;
            }
        }
        return true;
    }

    private static List<Object> fields(SnapshotRecord r) {
        return java.util.Arrays.asList(r.parent, r.kind, r.state, r.description,
                r.createdAt == null ? null : r.createdAt.toEpochMilli(), r.current, r.files, r.overlayBytes);
    }

    void afterJob(@Observes JobFinished e) {
        if (!e.kind().changesDomains()) {
            return;
        }
        if (e.vm() != null && e.after() != null) {
            // The worker read the VM right after the handler ended (for the change record): that
            // reading, not a second one. Snapshots come from the parsed cache there; the periodic
            // sync re-reads every snapshot's XML (metadata redefined outside Strata under the same name).
            refresh(e.host(), e.vm(), e.after().domain(), e.after().snapshots());
        } else if (e.vm() != null) {
            syncVm(e.host(), e.vm());
        } else {
            syncHost(e.host());
        }
    }

    /**
     * One node at a time: a session-level advisory lock on a connection of its own, held for the
     * whole sync and released explicitly (a transaction-level lock would end with a transaction
     * timeout while a slow host is still being read).
     */
    @Scheduled(every = "${strata.inventory.sync-interval:60s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodic() {
        try (java.sql.Connection lockConn = dataSource.getConnection();
             java.sql.PreparedStatement lock = lockConn.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, PERIODIC_SYNC_LOCK);
            boolean mine;
            try (java.sql.ResultSet r = lock.executeQuery()) {
                mine = r.next() && r.getBoolean(1);
            }
            if (!mine) {
                return; // another node is syncing
            }
            try {
                List<String> hostNames = QuarkusTransaction.requiringNew()
                        .call(() -> Host.<Host>listAll().stream().map(h -> h.name).toList());
                for (String host : hostNames) {
                    try {
                        syncHost(host);
                    } catch (LibvirtFailure e) {
                        LOG.warnf("periodic sync of host %s: %s", host, e.getMessage());
                    }
                }
            } finally {
                try (java.sql.PreparedStatement unlock = lockConn.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, PERIODIC_SYNC_LOCK);
                    unlock.execute();
                }
            }
        } catch (java.sql.SQLException e) {
            LOG.warn("periodic sync: " + e.getMessage());
        }
    }

    private String toJson(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

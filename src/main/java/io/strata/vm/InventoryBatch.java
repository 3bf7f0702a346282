package io.strata.vm;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.Session;

import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.SnapshotInfo;

/**
 * The writes of a full host sync, many domains per statement: new VMs in one INSERT, their
 * snapshot rows and those of VMs whose snapshots changed in one DELETE and one INSERT (arrays
 * unnested by PostgreSQL), unchanged rows not written at all. A first sync of a thousand domains
 * with ten snapshots each is a handful of statements instead of eleven thousand INSERTs.
 */
@ApplicationScoped
class InventoryBatch {

    /** One domain as read from libvirt; {@code disks} is its disk list as JSON. */
    record Read(DomainSummary domain, List<SnapshotInfo> snapshots, String disks) {
    }

    @Inject
    EntityManager em;

    /** Many domains in the caller's transaction: their rows read in two queries, changed rows written. */
    void storeAll(String host, List<Read> reads) {
        // The same per-VM locks as a one-VM sync, taken in one statement and in name order (no deadlock between two syncs).
        em.createNativeQuery("SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM"
                + " (SELECT unnest(CAST(?1 AS text[])) k ORDER BY 1) o")
                .setParameter(1, reads.stream().map(r -> host + "/" + r.domain().name()).sorted().toArray(String[]::new))
                .getSingleResult();
        Map<String, Vm> rows = new HashMap<>();
        for (Vm vm : Vm.<Vm>list("host = ?1 and name in ?2", host, reads.stream().map(r -> r.domain().name()).toList())) {
            rows.put(vm.name, vm);
        }
        Map<Long, List<SnapshotRecord>> snapRows = new HashMap<>();
        List<Long> ids = rows.values().stream().map(v -> v.id).toList();
        if (!ids.isEmpty()) {
            for (SnapshotRecord r : SnapshotRecord.<SnapshotRecord>list("vmId in ?1 order by id", ids)) {
                snapRows.computeIfAbsent(r.vmId, k -> new ArrayList<>()).add(r);
            }
        }
        List<Read> fresh = new ArrayList<>();
        Map<String, List<SnapshotInfo>> changedSnapshots = new HashMap<>();
        for (Read r : reads) {
            Vm vm = rows.get(r.domain().name());
            if (vm == null) {
                fresh.add(r);
                continue;
            }
            java.time.Instant stamp = vm.syncedAt;
            InventorySync.apply(vm, r.domain(), r.disks());
            vm.syncedAt = stamp; // stamped below for the whole chunk: a row that did not change is not written
            List<SnapshotRecord> want = InventorySync.records(vm.id, r.snapshots());
            if (!InventorySync.sameSnapshots(snapRows.getOrDefault(vm.id, List.of()), want)) {
                changedSnapshots.put(vm.name, r.snapshots());
            }
        }
        em.flush();
        em.unwrap(Session.class).doWork(conn -> {
            Map<String, Long> newIds = insertVms(conn, host, fresh);
            Map<Long, List<SnapshotInfo>> snapshotsByVm = new HashMap<>();
            fresh.forEach(r -> snapshotsByVm.put(newIds.get(r.domain().name()), r.snapshots()));
            changedSnapshots.forEach((name, snaps) -> snapshotsByVm.put(rows.get(name).id, snaps));
            replaceSnapshots(conn, snapshotsByVm);
            try (PreparedStatement st = conn.prepareStatement(
                    "UPDATE vm SET synced_at = now() WHERE host = ? AND name = ANY(?)")) {
                st.setString(1, host);
                st.setArray(2, conn.createArrayOf("text", reads.stream().map(r -> r.domain().name()).toArray()));
                st.executeUpdate();
            }
        });
        // The loaded snapshot rows of rewritten VMs are stale now; nothing of this transaction reads them again.
        em.clear();
    }

    /** Drops the rows of the host's domains not in {@code seen} (their snapshot rows go with them). */
    void deleteAllBut(String host, java.util.Set<String> seen) {
        em.unwrap(Session.class).doWork(conn -> {
            try (PreparedStatement st = conn.prepareStatement("DELETE FROM vm WHERE host = ? AND NOT (name = ANY(?))")) {
                st.setString(1, host);
                st.setArray(2, conn.createArrayOf("text", seen.toArray()));
                st.executeUpdate();
            }
        });
    }

    /** The new VMs' rows in one statement; their ids by name. */
    private static Map<String, Long> insertVms(Connection conn, String host, List<Read> fresh) throws SQLException {
        Map<String, Long> ids = new HashMap<>();
        if (fresh.isEmpty()) {
            return ids;
        }
        Vm[] vms = fresh.stream().map(r -> {
            Vm vm = new Vm();
            vm.host = host;
            vm.name = r.domain().name();
            InventorySync.apply(vm, r.domain(), r.disks());
            return vm;
        }).toArray(Vm[]::new);
        try (PreparedStatement st = conn.prepareStatement("INSERT INTO vm (host, name, uuid, owner, template, state, vcpus,"
                + " memory_kib, disks_json, synced_at) SELECT ?, n, u, o, t, s, c, m, d, now()"
                + " FROM unnest(?, ?, ?, ?, ?, ?, ?, ?) AS x(n, u, o, t, s, c, m, d) RETURNING id, name")) {
            st.setString(1, host);
            st.setArray(2, array(conn, "text", vms, v -> v.name));
            st.setArray(3, array(conn, "text", vms, v -> v.uuid));
            st.setArray(4, array(conn, "text", vms, v -> v.owner));
            st.setArray(5, array(conn, "boolean", vms, v -> v.template));
            st.setArray(6, array(conn, "text", vms, v -> v.state));
            st.setArray(7, array(conn, "integer", vms, v -> v.vcpus));
            st.setArray(8, array(conn, "bigint", vms, v -> v.memoryKib));
            st.setArray(9, array(conn, "text", vms, v -> v.disksJson));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ids.put(rs.getString(2), rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** Replaces the snapshot rows of the given VMs: one DELETE and one INSERT for all of them. */
    private static void replaceSnapshots(Connection conn, Map<Long, List<SnapshotInfo>> snapshotsByVm) throws SQLException {
        if (snapshotsByVm.isEmpty()) {
            return;
        }
        try (PreparedStatement st = conn.prepareStatement("DELETE FROM snapshot WHERE vm_id = ANY(?)")) {
            st.setArray(1, conn.createArrayOf("bigint", snapshotsByVm.keySet().toArray()));
            st.executeUpdate();
        }
        List<SnapshotRecord> all = new ArrayList<>();
        snapshotsByVm.forEach((id, snaps) -> all.addAll(InventorySync.records(id, snaps)));
        if (all.isEmpty()) {
            return;
        }
        SnapshotRecord[] rs = all.toArray(SnapshotRecord[]::new);
        try (PreparedStatement st = conn.prepareStatement("INSERT INTO snapshot (vm_id, name, parent, kind, state, description,"
                + " created_at, current, files, overlay_bytes) SELECT * FROM unnest(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            st.setArray(1, array(conn, "bigint", rs, r -> r.vmId));
            st.setArray(2, array(conn, "text", rs, r -> r.name));
            st.setArray(3, array(conn, "text", rs, r -> r.parent));
            st.setArray(4, array(conn, "text", rs, r -> r.kind));
            st.setArray(5, array(conn, "text", rs, r -> r.state));
            st.setArray(6, array(conn, "text", rs, r -> r.description));
            // ISO-8601 text, which PostgreSQL reads as the same instant (a java.sql.Timestamp would be local time)
            st.setArray(7, array(conn, "timestamptz", rs, r -> r.createdAt == null ? null : r.createdAt.toString()));
            st.setArray(8, array(conn, "boolean", rs, r -> r.current));
            st.setArray(9, array(conn, "text", rs, r -> r.files));
            st.setArray(10, array(conn, "bigint", rs, r -> r.overlayBytes));
            st.executeUpdate();
        }
    }

    private static <T> java.sql.Array array(Connection conn, String type, T[] rows, java.util.function.Function<T, Object> f)
            throws SQLException {
        Object[] values = new Object[rows.length];
        for (int i = 0; i < rows.length; i++) {
            values[i] = f.apply(rows[i]);
        }
        return conn.createArrayOf(type, values);
    }
}

package io.strata.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.TestDatabase;

/**
 * What hostile requests must not change, taken before and after: the host (the domains libvirt
 * lists, the snapshot lists of the test VMs, the files and sizes under the run's storage
 * directory and the names at the top of the image directory) and the database (a digest of every
 * table's rows but the audit log's; the audit log must only grow).
 */
record SideEffects(List<String> domains, Map<String, List<String>> snapshots, Map<String, Long> files,
        List<String> imageDirNames, Map<String, String> tables) {

    static final Path IMAGES = Path.of("/var/lib/libvirt/images");

    static SideEffects take(List<String> vms) {
        // Other test runs on this machine define st-<their run>- domains and strata-test-<run> dirs at
        // the same time; everything else (and this run's) counts.
        List<String> domains = LibvirtHost.virsh("list", "--all", "--name").lines().map(String::strip)
                .filter(n -> !n.isEmpty() && (!n.startsWith("st-") || n.startsWith(LibvirtHost.PREFIX))).sorted().toList();
        Map<String, List<String>> snapshots = new TreeMap<>();
        for (String vm : vms) {
            snapshots.put(vm, DiskProbes.snapshotNames(vm));
        }
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(LibvirtHost.DIR)) {
            s.filter(Files::isRegularFile).forEach(f -> files.put(LibvirtHost.DIR.relativize(f).toString(), f.toFile().length()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> top;
        try (Stream<Path> s = Files.list(IMAGES)) {
            // Files only: other runs on this machine keep directories of their own here (strata-test-<run>,
            // strata-bench-<pid>) and their domains' files (st-<run>-…).
            top = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("strata-") && !n.startsWith("st-")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new SideEffects(domains, snapshots, files, top, tableDigests());
    }

    /** md5 of each table's rows in a stable order, for every table of the schema but the audit log. */
    static Map<String, String> tableDigests() {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                    + "AND table_type = 'BASE TABLE' AND table_name NOT IN ('audit_event', 'flyway_schema_history')")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet r = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM "
                        + quote(t) + " x")) {
                    r.next();
                    out.put(t, r.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** A table name from the catalogue, as an identifier. */
    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}

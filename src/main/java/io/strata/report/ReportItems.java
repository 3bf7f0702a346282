package io.strata.report;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The rows of cleanup_report_item: written in batches while a report runs and read back as a
 * stream (a cursor), so neither side holds a whole report's orphans in memory.
 */
@ApplicationScoped
public class ReportItems {

    static final int BATCH = 500;

    @Inject
    DataSource dataSource;
    @Inject
    ObjectMapper json;

    /** Collects items and writes them {@value #BATCH} at a time; {@link #close} writes the rest. */
    final class Writer implements AutoCloseable {
        private final long reportId;
        private final List<ReportItem> pending = new ArrayList<>();
        private long written;

        private Writer(long reportId) {
            this.reportId = reportId;
        }

        void add(ReportItem item) {
            pending.add(item);
            if (pending.size() >= BATCH) {
                flush();
            }
        }

        long written() {
            return written + pending.size();
        }

        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            List<ReportItem> batch = List.copyOf(pending);
            pending.clear();
            QuarkusTransaction.requiringNew().run(() -> insert(reportId, batch));
            written += batch.size();
        }

        @Override
        public void close() {
            flush();
        }
    }

    Writer writer(long reportId) {
        return new Writer(reportId);
    }

    private void insert(long reportId, List<ReportItem> batch) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO cleanup_report_item"
                     + " (report_id, section, item_key, host, vm, owner, summary, data) VALUES (?,?,?,?,?,?,?,cast(? as jsonb))"
                     + " ON CONFLICT (report_id, section, item_key) DO NOTHING")) {
            for (ReportItem i : batch) {
                s.setLong(1, reportId);
                s.setInt(2, i.section());
                s.setString(3, i.key());
                s.setString(4, i.host());
                s.setString(5, i.vm());
                s.setString(6, i.owner());
                s.setString(7, i.summary());
                s.setString(8, json.writeValueAsString(i.data() == null ? Map.of() : i.data()));
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot store report items: " + e.getMessage(), e);
        }
    }

    /**
     * Streams a report's items (sections in order) to {@code each}; {@code owner} non-null keeps
     * only that owner's items; {@code section} non-null keeps one section; {@code limit} 0 = all.
     */
    void stream(long reportId, String owner, Integer section, int limit, Consumer<ReportItem> each) {
        String sql = "SELECT section, item_key, host, vm, owner, summary, data::text FROM cleanup_report_item"
                + " WHERE report_id = ?" + (owner == null ? "" : " AND owner = ?") + (section == null ? "" : " AND section = ?")
                + " ORDER BY section, id" + (limit > 0 ? " LIMIT " + limit : "");
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                int p = 1;
                s.setLong(p++, reportId);
                if (owner != null) {
                    s.setString(p++, owner);
                }
                if (section != null) {
                    s.setInt(p, section);
                }
                s.setFetchSize(BATCH); // a cursor: inside a transaction PostgreSQL sends rows in batches
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        each.accept(new ReportItem(r.getInt(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(5), r.getString(6), parse(r.getString(7))));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read report items: " + e.getMessage(), e);
            }
        });
    }

    /** One item of a report by its key (sections 1–6), or null. */
    ReportItem find(long reportId, String key) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT section, item_key, host, vm, owner, summary, data::text FROM cleanup_report_item"
                            + " WHERE report_id = ? AND item_key = ? AND section < 7 ORDER BY section LIMIT 1")) {
                s.setLong(1, reportId);
                s.setString(2, key);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? new ReportItem(r.getInt(1), r.getString(2), r.getString(3), r.getString(4),
                            r.getString(5), r.getString(6), parse(r.getString(7))) : null;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    List<ReportItem> list(long reportId, String owner, Integer section, int limit) {
        List<ReportItem> out = new ArrayList<>();
        stream(reportId, owner, section, limit, out::add);
        return out;
    }

    /** Items per section (index 1..7), for the caller's view. */
    long[] counts(long reportId, String owner) {
        long[] out = new long[8];
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT section, count(*) FROM cleanup_report_item WHERE report_id = ?"
                            + (owner == null ? "" : " AND owner = ?") + " GROUP BY section")) {
                s.setLong(1, reportId);
                if (owner != null) {
                    s.setString(2, owner);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out[r.getInt(1)] = r.getLong(2);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        return out;
    }

    /**
     * Section 7, computed in the database: items (sections 1–5) of this report that the previous
     * one lacked ("new") and items of the previous one that this one lacks ("resolved").
     */
    void writeChanges(long reportId, long previousId) {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                    INSERT INTO cleanup_report_item (report_id, section, item_key, host, vm, owner, summary, data)
                    SELECT ?, 7, 'new:' || x.item_key, x.host, x.vm, x.owner, x.summary,
                           jsonb_build_object('change', 'new', 'section', x.section)
                      FROM cleanup_report_item x
                     WHERE x.report_id = ? AND x.section <= 5 AND NOT EXISTS (SELECT 1 FROM cleanup_report_item p
                           WHERE p.report_id = ? AND p.section = x.section AND p.item_key = x.item_key)
                    UNION ALL
                    SELECT ?, 7, 'resolved:' || p.item_key, p.host, p.vm, p.owner, p.summary,
                           jsonb_build_object('change', 'resolved', 'section', p.section)
                      FROM cleanup_report_item p
                     WHERE p.report_id = ? AND p.section <= 5 AND NOT EXISTS (SELECT 1 FROM cleanup_report_item x
                           WHERE x.report_id = ? AND x.section = p.section AND x.item_key = p.item_key)
                    """)) {
                s.setLong(1, reportId);
                s.setLong(2, reportId);
                s.setLong(3, previousId);
                s.setLong(4, reportId);
                s.setLong(5, previousId);
                s.setLong(6, reportId);
                s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot compare with report " + previousId + ": " + e.getMessage(), e);
            }
        });
    }

    private Map<String, Object> parse(String text) {
        try {
            return json.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Map.of("unreadable", text);
        }
    }
}

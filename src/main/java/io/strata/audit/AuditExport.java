package io.strata.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.strata.kernel.Caller;

/**
 * Exports a filtered range of the audit log as CSV or JSON Lines, streamed from a database cursor
 * (memory does not grow with the range). The first record is the chain head at export time; after
 * it come, oldest first, every event from the first one the filter matches up to that head: the
 * matching ones whole ({@code event}), the others as links only ({@code link}: seq, prev_hash,
 * hash), so the export proves offline that its events belong to the chain that ends at the head.
 * An event that ends a job carries the job's before/after record ({@code change}) and the domain
 * XML it names.
 */
@ApplicationScoped
public class AuditExport {

    public enum Format {
        CSV("text/csv"), JSONL("application/x-ndjson");

        public final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }
    }

    /** Microsecond timestamps, as the chain hashes them. */
    public static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** Columns of the CSV export, in order. */
    public static final String[] COLUMNS = { "record", "seq", "at", "actor", "roles", "source", "action", "target",
            "job_id", "outcome", "details", "prev_hash", "hash", "change", "xml_before", "xml_after" };
    /** NULL in the CSV (unquoted); every non-null value is quoted, so an empty string stays empty. */
    public static final String CSV_NULL = "\\N";
    public static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader(COLUMNS).setNullString(CSV_NULL)
            .setQuoteMode(QuoteMode.ALL_NON_NULL).setRecordSeparator("\n").get();
    private static final int FETCH = 1000;

    @Inject
    AuditQuery query;
    @Inject
    AuditLog audit;
    @Inject
    DataSource db;
    @Inject
    ObjectMapper json;
    @Inject
    Refusals refusals;

    /** The export as a file to download, for the API and the page alike: {@code format} csv or jsonl (the default). */
    public Response download(Caller c, String format, AuditQuery.Filter f) {
        Format chosen = refusals.optionalEnum(c, "audit.export", Format.class, "format", format);
        if (chosen == null) {
            chosen = Format.JSONL;
        }
        return Response.ok(export(c, f, chosen), chosen.mediaType)
                .header("Content-Disposition", "attachment; filename=\"audit." + chosen.name().toLowerCase() + "\"").build();
    }

    /** Checks the filter now (a bad one is a 400, not a broken stream), audits the export and returns the stream. */
    public StreamingOutput export(Caller c, AuditQuery.Filter f, Format format) {
        AuditQuery.Where w = query.where(c, f, "audit.export");
        audit.recordAlone(c, "audit.export", null, null, Outcome.SUCCESS, format.name().toLowerCase() + " " + describe(f));
        return out -> write(w, f, format, out);
    }

    private void write(AuditQuery.Where w, AuditQuery.Filter f, Format format, OutputStream out) throws IOException {
        Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        try (Connection conn = db.getConnection()) {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            conn.setReadOnly(true);
            try {
                long headSeq = 0;
                String headHash = AuditChain.GENESIS;
                try (PreparedStatement s = conn.prepareStatement("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1");
                     ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        headSeq = r.getLong(1);
                        headHash = r.getString(2);
                    }
                }
                Rows rows = format == Format.CSV ? new CsvRows(text) : new JsonRows(text, json);
                rows.head(headSeq, headHash, Instant.now(), describe(f), keyedFrom(conn));
                Long first = null;
                try (PreparedStatement s = conn.prepareStatement(
                        "SELECT min(seq) FROM audit_event WHERE " + w.sql() + " AND seq <= ?")) {
                    w.bind(s, 1);
                    s.setLong(w.args().size() + 1, headSeq);
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next()) {
                            long v = r.getLong(1);
                            first = r.wasNull() ? null : v;
                        }
                    }
                }
                if (first != null) {
                    stream(conn, w, first, headSeq, rows);
                }
                rows.flush();
            } finally {
                conn.rollback();
            }
        } catch (SQLException e) {
            // Too late for a status code: the client sees a truncated export without the rows after this.
            throw new IOException("audit export failed: " + e.getMessage(), e);
        }
        text.flush();
    }

    private void stream(Connection conn, AuditQuery.Where w, long from, long to, Rows rows) throws SQLException, IOException {
        String sql = "SELECT e.seq, e.at, e.actor, e.roles, e.source, e.action, e.target, e.job_id, e.outcome, e.details,"
                + " e.prev_hash, e.hash, (" + w.sql() + ") AS matches, c.record AS change, xb.xml AS xml_before, xa.xml AS xml_after"
                + " FROM audit_event e LEFT JOIN job_change c ON c.audit_seq = e.seq"
                + " LEFT JOIN domain_xml xb ON xb.sha256 = c.xml_before LEFT JOIN domain_xml xa ON xa.sha256 = c.xml_after"
                + " WHERE e.seq BETWEEN ? AND ? ORDER BY e.seq";
        try (PreparedStatement s = conn.prepareStatement(sql)) {
            s.setFetchSize(FETCH);
            w.bind(s, 1);
            s.setLong(w.args().size() + 1, from);
            s.setLong(w.args().size() + 2, to);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (r.getBoolean("matches")) {
                        rows.event(AuditQuery.event(r), r.getString("change"), r.getString("xml_before"), r.getString("xml_after"));
                    } else {
                        rows.link(r.getLong("seq"), r.getString("prev_hash"), r.getString("hash"));
                    }
                }
            }
        }
    }

    /**
     * The first sequence number sealed with a key (HMAC) rather than a plain SHA-256, once the chain
     * is keyed (table {@code audit_key}); null while it is not. An offline check needs the key file
     * from there on.
     */
    private static Long keyedFrom(Connection conn) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement("SELECT to_regclass('audit_key') IS NOT NULL");
             ResultSet r = s.executeQuery()) {
            r.next();
            if (!r.getBoolean(1)) {
                return null;
            }
        }
        try (PreparedStatement s = conn.prepareStatement("SELECT min(first_seq) FROM audit_key");
             ResultSet r = s.executeQuery()) {
            r.next();
            long v = r.getLong(1);
            return r.wasNull() ? null : v;
        }
    }

    static String describe(AuditQuery.Filter f) {
        StringBuilder b = new StringBuilder("filter:");
        append(b, "actor", f.actor());
        append(b, "host", f.host());
        append(b, "vm", f.vm());
        append(b, "action", f.action());
        append(b, "outcome", f.outcome());
        append(b, "from", f.from());
        append(b, "to", f.to());
        append(b, "q", f.text());
        return b.toString();
    }

    private static void append(StringBuilder b, String name, String value) {
        if (value != null && !value.isBlank()) {
            b.append(' ').append(name).append('=').append(value);
        }
    }

    private interface Rows {
        void head(long seq, String hash, Instant at, String filter, Long keyedFrom) throws IOException;

        void event(AuditEvent e, String change, String xmlBefore, String xmlAfter) throws IOException;

        void link(long seq, String prevHash, String hash) throws IOException;

        void flush() throws IOException;
    }

    private static final class CsvRows implements Rows {
        private final CSVPrinter csv;

        CsvRows(Writer out) throws IOException {
            this.csv = new CSVPrinter(out, CSV);
        }

        @Override
        public void head(long seq, String hash, Instant at, String filter, Long keyedFrom) throws IOException {
            // The head's job_id column holds the first keyed sequence number (empty: not keyed).
            csv.printRecord("head", seq, AT.format(at), null, null, null, null, null, keyedFrom, null, filter, null, hash,
                    null, null, null);
        }

        @Override
        public void event(AuditEvent e, String change, String xmlBefore, String xmlAfter) throws IOException {
            csv.printRecord("event", e.seq, AT.format(e.at), e.actor, e.roles, e.source, e.action, e.target, e.jobId,
                    e.outcome.name(), e.details, e.prevHash, e.hash, change, xmlBefore, xmlAfter);
        }

        @Override
        public void link(long seq, String prevHash, String hash) throws IOException {
            csv.printRecord("link", seq, null, null, null, null, null, null, null, null, null, prevHash, hash, null, null, null);
        }

        @Override
        public void flush() throws IOException {
            csv.flush();
        }
    }

    private static final class JsonRows implements Rows {
        private final Writer out;
        private final ObjectMapper json;

        JsonRows(Writer out, ObjectMapper json) {
            this.out = out;
            this.json = json;
        }

        private void line(Map<String, Object> m) throws IOException {
            out.write(json.writeValueAsString(m));
            out.write('\n');
        }

        @Override
        public void head(long seq, String hash, Instant at, String filter, Long keyedFrom) throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("record", "head");
            m.put("seq", seq);
            m.put("hash", hash);
            m.put("keyed_from", keyedFrom);
            m.put("exported_at", AT.format(at));
            m.put("filter", filter);
            line(m);
        }

        @Override
        public void event(AuditEvent e, String change, String xmlBefore, String xmlAfter) throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("record", "event");
            m.put("seq", e.seq);
            m.put("at", AT.format(e.at));
            m.put("actor", e.actor);
            m.put("roles", e.roles);
            m.put("source", e.source);
            m.put("action", e.action);
            m.put("target", e.target);
            m.put("job_id", e.jobId);
            m.put("outcome", e.outcome.name());
            m.put("details", e.details);
            m.put("prev_hash", e.prevHash);
            m.put("hash", e.hash);
            if (change != null) {
                m.put("change", change);
                m.put("xml_before", xmlBefore);
                m.put("xml_after", xmlAfter);
            }
            line(m);
        }

        @Override
        public void link(long seq, String prevHash, String hash) throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("record", "link");
            m.put("seq", seq);
            m.put("prev_hash", prevHash);
            m.put("hash", hash);
            line(m);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}

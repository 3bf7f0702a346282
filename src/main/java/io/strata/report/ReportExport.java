package io.strata.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A report written out as JSON or CSV (commons-csv), streamed from the database cursor: an
 * export of thousands of orphans never sits in memory whole. Both carry the same items.
 */
@ApplicationScoped
public class ReportExport {

    /** The CSV's columns after the fixed ones: the fields items of the sections carry. */
    static final List<String> DATA_COLUMNS = List.of("path", "bytes", "mtime", "format", "backingFile", "why",
            "revertLeftover", "snapshot", "creator", "reason", "ageDays", "lease", "overlayBytes", "health", "reasons",
            "action", "problem", "disk", "error", "template", "sealedAt", "job", "kind", "state", "actor", "finishedAt",
            "snapshots", "freedByMerge", "change");
    static final List<String> FIXED_COLUMNS = List.of("section", "section_title", "key", "host", "vm", "owner", "summary");

    @Inject
    ReportItems items;
    @Inject
    ObjectMapper json;

    void json(ReportService.ReportView v, String owner, OutputStream out) throws IOException {
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            CleanupReport r = v.report();
            g.writeNumberField("id", r.id);
            g.writeStringField("state", r.state);
            g.writeStringField("trigger", r.trigger);
            g.writeStringField("requestedBy", r.requestedBy);
            g.writeStringField("createdAt", String.valueOf(r.createdAt));
            g.writeStringField("finishedAt", r.finishedAt == null ? null : r.finishedAt.toString());
            if (r.previousId == null) {
                g.writeNullField("previousId");
            } else {
                g.writeNumberField("previousId", r.previousId);
            }
            g.writeStringField("mail", r.mailStatus);
            g.writeBooleanField("filteredToOwner", v.filtered());
            g.writeObjectFieldStart("counts");
            for (int s = 1; s <= 7; s++) {
                g.writeNumberField(String.valueOf(s), v.counts()[s]);
            }
            g.writeEndObject();
            g.writeArrayFieldStart("items");
            items.stream(r.id, owner, null, 0, i -> {
                try {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("section", i.section());
                    m.put("sectionTitle", i.sectionTitle());
                    m.put("key", i.key());
                    m.put("host", i.host());
                    m.put("vm", i.vm());
                    m.put("owner", i.owner());
                    m.put("summary", i.summary());
                    m.put("data", i.data());
                    g.writeObject(m);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    void csv(long reportId, String owner, OutputStream out) throws IOException {
        List<String> header = new ArrayList<>(FIXED_COLUMNS);
        header.addAll(DATA_COLUMNS);
        header.add("other");
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        try (CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).get())) {
            items.stream(reportId, owner, null, 0, i -> {
                try {
                    csv.printRecord(row(i));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    List<Object> row(ReportItem i) throws IOException {
        List<Object> row = new ArrayList<>(List.of(i.section(), i.sectionTitle(), i.key(), nz(i.host()), nz(i.vm()),
                nz(i.owner()), i.summary()));
        Map<String, Object> rest = new LinkedHashMap<>(i.data());
        for (String c : DATA_COLUMNS) {
            Object v = rest.remove(c);
            row.add(v == null ? "" : v instanceof String || v instanceof Number || v instanceof Boolean ? v
                    : json.writeValueAsString(v));
        }
        row.add(rest.isEmpty() ? "" : json.writeValueAsString(rest));
        return row.stream().map(ReportExport::inert).toList();
    }

    /**
     * A cell a spreadsheet would run as a formula (a user's snapshot reason "=HYPERLINK(…)") gets a
     * leading apostrophe, the usual neutraliser (OWASP, CSV injection); JSON exports stay as they are.
     */
    static Object inert(Object cell) {
        if (cell instanceof String s && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            return "'" + s;
        }
        return cell;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

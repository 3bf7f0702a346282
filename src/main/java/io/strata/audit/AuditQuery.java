package io.strata.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.kernel.Caller;
import io.strata.kernel.InputRules;

/**
 * Searches the audit log: actor, host, VM, action, outcome, time range and free text (words that
 * must all appear in the action, target or details; served by the trigram index of V10), newest
 * first, one keyset page at a time: {@code before} a sequence number, so a page stays the same
 * while events are appended (new events only ever get higher numbers).
 */
@ApplicationScoped
public class AuditQuery {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    private static final int MAX_WORDS = 8;
    private static final int NARROW = 20_000;
    /** The indexed expression of V10; written exactly as there so the planner uses the index. */
    static final String TEXT = "audit_event_text(action, target, details)";
    static final String COLUMNS = "seq, at, actor, roles, source, action, target, job_id, outcome, details, prev_hash, hash";

    public record Filter(String actor, String host, String vm, String action, String outcome, String from, String to,
                         String text, Long before, Integer limit) {
        public static Filter none() {
            return new Filter(null, null, null, null, null, null, null, null, null, null);
        }

        public Filter withBefore(Long seq) {
            return new Filter(actor, host, vm, action, outcome, from, to, text, seq, limit);
        }

        public int pageSize() {
            return limit == null ? DEFAULT_LIMIT : Math.max(1, Math.min(MAX_LIMIT, limit));
        }
    }

    /** One page, newest first; {@code nextBefore} is the {@code before} of the next (older) page, null at the end. */
    public record Page(List<AuditEvent> events, Long nextBefore) {
    }

    /** A WHERE clause with its JDBC parameters. */
    record Where(String sql, List<Object> args) {
        void bind(PreparedStatement s, int from) throws SQLException {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(from + i, args.get(i));
            }
        }
    }

    @Inject
    Refusals refusals;
    @Inject
    DataSource db;

    public Page search(Caller c, Filter f) {
        Where w = where(c, f, "audit.search");
        int limit = f.pageSize();
        List<AuditEvent> out = new ArrayList<>();
        try (Connection conn = db.getConnection()) {
            String order = narrowTimeRange(conn, c, f) ? "seq + 0" : "seq";
            String sql = "SELECT " + COLUMNS + " FROM audit_event WHERE " + w.sql()
                    + (f.before() != null ? " AND seq < ?" : "") + " ORDER BY " + order + " DESC LIMIT ?";
            PreparedStatement s = conn.prepareStatement(sql);
            w.bind(s, 1);
            int i = w.args().size() + 1;
            if (f.before() != null) {
                s.setLong(i++, f.before());
            }
            s.setInt(i, limit + 1);
            try (s; ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(event(r));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the audit log: " + e.getMessage(), e);
        }
        Long next = null;
        if (out.size() > limit) {
            out = out.subList(0, limit);
            next = out.get(limit - 1).seq;
        }
        return new Page(List.copyOf(out), next);
    }

    /**
     * Whether the filter's time range holds few events (under {@value #NARROW} by the {@code at}
     * index). The planner assumes matches are spread evenly over {@code seq} and walks the newest
     * first, which for an old, narrow range means reading most of the log (a day three months back:
     * 1 s at a million events); such a range is read through the {@code at} index and sorted instead.
     */
    private boolean narrowTimeRange(Connection conn, Caller c, Filter f) throws SQLException {
        if (!InputRules.present(f.from()) && !InputRules.present(f.to())) {
            return false;
        }
        Where time = where(c, new Filter(null, null, null, null, null, f.from(), f.to(), null, null, null), "audit.search");
        try (PreparedStatement s = conn.prepareStatement(
                "SELECT count(*) FROM (SELECT 1 FROM audit_event WHERE " + time.sql() + " LIMIT " + NARROW + ") r")) {
            time.bind(s, 1);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1) < NARROW;
            }
        }
    }

    /** The conditions of a filter (not its page position); 400 (audited) for a bad value. */
    Where where(Caller c, Filter f, String action) {
        StringBuilder q = new StringBuilder("true");
        List<Object> args = new ArrayList<>();
        if (InputRules.present(f.actor())) {
            q.append(" AND actor = ?");
            args.add(f.actor());
        }
        if (InputRules.present(f.host())) {
            q.append(" AND split_part(target, '/', 1) = ?");
            args.add(f.host());
        }
        if (InputRules.present(f.vm())) {
            // Targets are host/vm[/...]: match the VM part exactly, on any host (index audit_event_vm).
            q.append(" AND split_part(target, '/', 2) = ?");
            args.add(f.vm());
        }
        if (InputRules.present(f.action())) {
            q.append(" AND action = ?");
            args.add(f.action());
        }
        Outcome outcome = refusals.optionalEnum(c, action, Outcome.class, "outcome", f.outcome());
        if (outcome != null) {
            q.append(" AND outcome = ?");
            args.add(outcome.name());
        }
        if (InputRules.present(f.from())) {
            q.append(" AND at >= ?");
            args.add(OffsetDateTime.ofInstant(instant(c, action, "from", f.from()), ZoneOffset.UTC));
        }
        if (InputRules.present(f.to())) {
            q.append(" AND at < ?");
            args.add(OffsetDateTime.ofInstant(instant(c, action, "to", f.to()), ZoneOffset.UTC));
        }
        if (InputRules.present(f.text())) {
            List<String> words = words(f.text());
            if (words.size() > MAX_WORDS || f.text().length() > 400) {
                throw refusals.refuse(c, action, null, 400, "a search has at most " + MAX_WORDS + " words and 400 characters");
            }
            for (String word : words) {
                q.append(" AND ").append(TEXT).append(" ILIKE ?");
                args.add("%" + likeEscaped(word) + "%");
            }
        }
        return new Where(q.toString(), args);
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** The word as a literal inside ILIKE (backslash is PostgreSQL's default escape). */
    static String likeEscaped(String word) {
        return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    static AuditEvent event(ResultSet r) throws SQLException {
        AuditEvent e = new AuditEvent();
        e.seq = r.getLong("seq");
        e.at = r.getObject("at", OffsetDateTime.class).toInstant();
        e.actor = r.getString("actor");
        e.roles = r.getString("roles");
        e.source = r.getString("source");
        e.action = r.getString("action");
        e.target = r.getString("target");
        long job = r.getLong("job_id");
        e.jobId = r.wasNull() ? null : job;
        e.outcome = Outcome.valueOf(r.getString("outcome"));
        e.details = r.getString("details");
        e.prevHash = r.getString("prev_hash");
        e.hash = r.getString("hash");
        return e;
    }

    private Instant instant(Caller c, String action, String what, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(value).atZone(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw refusals.refuse(c, action, null, 400,
                        what + " must be an ISO time such as 2026-11-25T10:00:00Z, not " + InputRules.printable(value));
            }
        }
    }
}

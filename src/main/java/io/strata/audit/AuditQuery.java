package io.strata.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.kernel.Caller;
import io.strata.kernel.InputRules;
import io.strata.audit.Refusals;

/** Searches the audit log: actor, VM, action, outcome, time range; newest first. */
@ApplicationScoped
public class AuditQuery {

    public record Filter(String actor, String vm, String action, String outcome, String from, String to, Integer limit) {
        public static Filter none() {
            return new Filter(null, null, null, null, null, null, null);
        }
    }

    @Inject
    Refusals refusals;

    public List<AuditEvent> search(Caller c, Filter f) {
        StringBuilder q = new StringBuilder("1 = 1");
        List<Object> args = new ArrayList<>();
        if (InputRules.present(f.actor())) {
            args.add(f.actor());
            q.append(" and actor = ?").append(args.size());
        }
        if (InputRules.present(f.vm())) {
            // Targets are host/vm[/...]: match the VM part exactly, on any host.
            args.add(f.vm());
            q.append(" and function('split_part', target, '/', 2) = ?").append(args.size());
        }
        if (InputRules.present(f.action())) {
            args.add(f.action());
            q.append(" and action = ?").append(args.size());
        }
        Outcome outcome = refusals.optionalEnum(c, "audit.search", Outcome.class, "outcome", f.outcome());
        if (outcome != null) {
            args.add(outcome);
            q.append(" and outcome = ?").append(args.size());
        }
        if (InputRules.present(f.from())) {
            args.add(instant(c, "from", f.from()));
            q.append(" and at >= ?").append(args.size());
        }
        if (InputRules.present(f.to())) {
            args.add(instant(c, "to", f.to()));
            q.append(" and at < ?").append(args.size());
        }
        int limit = f.limit() == null ? 200 : Math.max(1, Math.min(1000, f.limit()));
        q.append(" order by seq desc");
        return QuarkusTransaction.requiringNew()
                .call(() -> AuditEvent.<AuditEvent>find(q.toString(), args.toArray()).page(0, limit).list());
    }

    private Instant instant(Caller c, String what, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(value).atZone(java.time.ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw refusals.refuse(c, "audit.search", null, 400,
                        what + " must be an ISO time such as 2026-11-25T10:00:00Z, not " + InputRules.printable(value));
            }
        }
    }
}

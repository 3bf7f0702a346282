package io.strata.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import io.strata.kernel.Caller;

/**
 * Appends hash-chained events. Appends are serialised by a transaction-scoped advisory lock, so
 * the chain has one order even with several app nodes; the lock is held until the caller commits.
 */
@ApplicationScoped
public class AuditLog {

    /** Arbitrary, fixed key of the advisory lock that orders audit appends. */
    private static final long CHAIN_LOCK = 0x5354524154414155L;
    private static final int MAX_DETAILS = 4000;
    /** Key of the chain's head as this transaction left it (held under the lock until commit). */
    private static final String CHAIN_HEAD = AuditLog.class.getName() + ".head";

    @Inject
    EntityManager em;
    @Inject
    TransactionSynchronizationRegistry tx;

    /** Records an event inside the caller's transaction: it commits (or not) with the action. */
    @Transactional(TxType.MANDATORY)
    public AuditEvent record(Caller caller, String action, String target, Long jobId, Outcome outcome, String details) {
        // The second and later events of one transaction already hold the lock and know the chain's
        // head (the event before them): two round trips fewer each, for batches (queued and finished jobs).
        String head = (String) tx.getResource(CHAIN_HEAD);
        if (head == null) {
            em.createNativeQuery("SELECT pg_advisory_xact_lock(?1)").setParameter(1, CHAIN_LOCK).getSingleResult();
            @SuppressWarnings("unchecked")
            List<String> last = em.createNativeQuery("SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1").getResultList();
            head = last.isEmpty() ? AuditChain.GENESIS : last.get(0);
        }
        AuditEvent e = new AuditEvent();
        e.seq = ((Number) em.createNativeQuery("SELECT nextval('audit_event_seq')").getSingleResult()).longValue();
        e.at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        e.actor = caller.name();
        e.roles = caller.rolesText();
        e.source = caller.source();
        e.action = action;
        e.target = target;
        e.jobId = jobId;
        e.outcome = outcome;
        e.details = details == null || details.length() <= MAX_DETAILS ? details : details.substring(0, MAX_DETAILS) + "…";
        e.prevHash = head;
        e.hash = AuditChain.hash(e);
        e.persist();
        tx.putResource(CHAIN_HEAD, e.hash);
        return e;
    }

    /** Records an event in a transaction of its own: for refusals and failures, whose request rolls back. */
    @Transactional(TxType.REQUIRES_NEW)
    public AuditEvent recordAlone(Caller caller, String action, String target, Long jobId, Outcome outcome, String details) {
        return record(caller, action, target, jobId, outcome, details);
    }

    /** Walks the whole chain and reports the first event whose hash or link does not match. */
    @Transactional
    public ChainVerification verify() {
        String prev = AuditChain.GENESIS;
        long checked = 0;
        long afterSeq = -1;
        final int page = 1000;
        while (true) {
            List<AuditEvent> batch = em.createQuery("FROM AuditEvent WHERE seq > ?1 ORDER BY seq", AuditEvent.class)
                    .setParameter(1, afterSeq).setMaxResults(page).getResultList();
            for (AuditEvent e : batch) {
                if (!prev.equals(e.prevHash)) {
                    return ChainVerification.broken(checked, e.seq,
                            "event " + e.seq + " does not link to the event before it (a row was removed or inserted)");
                }
                if (!AuditChain.hash(e).equals(e.hash)) {
                    return ChainVerification.broken(checked, e.seq,
                            "event " + e.seq + " was changed after it was written (its hash does not match its content)");
                }
                prev = e.hash;
                checked++;
                afterSeq = e.seq;
            }
            em.clear();
            if (batch.size() < page) {
                return ChainVerification.intact(checked);
            }
        }
    }
}

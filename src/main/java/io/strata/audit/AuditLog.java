package io.strata.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.kernel.Caller;

/**
 * Appends sealed, chained events. Appends are serialised by a transaction-scoped advisory lock, so
 * the chain has one order even with several app nodes; the lock is held until the caller commits.
 * Each event is sealed with the audit key (HMAC-SHA256, see {@link AuditKeys}).
 */
@ApplicationScoped
public class AuditLog {

    /** Arbitrary, fixed key of the advisory lock that orders audit appends. */
    private static final long CHAIN_LOCK = 0x5354524154414155L;
    /** The seal of the event this transaction appended last (it holds the chain lock from then on). */
    private static final String CHAIN_HEAD = AuditLog.class.getName() + ".head";
    private static final int MAX_DETAILS = 4000;

    @Inject
    EntityManager em;
    @Inject
    AuditKeys keys;
    @Inject
    AuditVerifier verifier;
    @Inject
    MeterRegistry registry;
    @Inject
    TransactionSynchronizationRegistry tx;

    /** Records an event inside the caller's transaction: it commits (or not) with the action. */
    @Transactional(TxType.MANDATORY)
    public AuditEvent record(Caller caller, String action, String target, Long jobId, Outcome outcome, String details) {
        byte[] key = keys.signingKey();
        // The second and later events of one transaction already hold the lock and know the chain's
        // head (the event before them): two round trips fewer each, for batches (queued and finished jobs).
        String head = (String) tx.getResource(CHAIN_HEAD);
        if (head == null) {
            lockChain(em);
            head = head(em);
        }
        AuditEvent e = append(em, key, head, caller, action, target, jobId, outcome, details);
        tx.putResource(CHAIN_HEAD, e.hash);
        countOnCommit(outcome);
        return e;
    }

    /** Counts the event once its transaction committed (a rolled-back append appended nothing). */
    private void countOnCommit(Outcome outcome) {
        tx.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    Counter.builder("strata.audit.appends").description("Audit events appended (committed), by outcome")
                            .tag("outcome", outcome.name()).register(registry).increment();
                }
            }
        });
    }

    /** Records an event in a transaction of its own: for refusals and failures, whose request rolls back. */
    @Transactional(TxType.REQUIRES_NEW)
    public AuditEvent recordAlone(Caller caller, String action, String target, Long jobId, Outcome outcome, String details) {
        return record(caller, action, target, jobId, outcome, details);
    }

    /** Walks the whole chain (the auditor's full check); see {@link AuditVerifier#full()}. */
    public ChainVerification verify() {
        return verifier.full();
    }

    /** Checks what was appended since the latest anchor; see {@link AuditVerifier#sinceAnchor()}. */
    public ChainVerification verifySinceAnchor() {
        return verifier.sinceAnchor();
    }

    static void lockChain(EntityManager em) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(?1)").setParameter(1, CHAIN_LOCK).getSingleResult();
    }

    /** Appends one event after the newest; the caller holds the chain lock. */
    static AuditEvent append(EntityManager em, byte[] key, Caller caller, String action, String target, Long jobId,
            Outcome outcome, String details) {
        return append(em, key, head(em), caller, action, target, jobId, outcome, details);
    }

    /** The seal of the newest event (the genesis value for an empty log); the caller holds the chain lock. */
    static String head(EntityManager em) {
        @SuppressWarnings("unchecked")
        List<String> last = em.createNativeQuery("SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1").getResultList();
        return last.isEmpty() ? AuditChain.GENESIS : last.get(0);
    }

    /** Appends one event after {@code head}; the caller holds the chain lock. */
    static AuditEvent append(EntityManager em, byte[] key, String head, Caller caller, String action, String target, Long jobId,
            Outcome outcome, String details) {
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
        e.hash = AuditChain.mac(key, e);
        em.persist(e);
        return e;
    }
}

package io.strata.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import javax.sql.DataSource;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.kernel.Caller;

/**
 * Appends sealed, chained events. The chain has one order even with several app nodes because
 * appends are serialised by a transaction-scoped advisory lock, held until commit. To keep that
 * lock short, an event is not written when it is recorded: a transaction's events are sealed and
 * written together just before it commits (one read of the chain's head and its sequence numbers,
 * one batch of inserts), so the lock covers three round trips whatever else the transaction does.
 * Each event is sealed with the audit key (HMAC-SHA256, see {@link AuditKeys}).
 */
@ApplicationScoped
public class AuditLog {

    /** Arbitrary, fixed key of the advisory lock that orders audit appends. */
    private static final long CHAIN_LOCK = 0x5354524154414155L;
    /** The seal of the event this transaction appended last (it holds the chain lock from then on). */
    private static final String CHAIN_HEAD = AuditLog.class.getName() + ".head";
    /** This transaction's events not yet sealed. */
    private static final String PENDING = AuditLog.class.getName() + ".pending";
    /** This transaction's events sealed and written (counted once it commits). */
    private static final String WRITTEN = AuditLog.class.getName() + ".written";
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
    @Inject
    DataSource dataSource;

    /**
     * Records an event inside the caller's transaction: it commits (or not) with the action. The
     * event is sealed and written as the transaction commits; its {@code seq}, {@code at} and seal
     * are filled in then (read them after the commit, or use {@link #recordSealed}).
     */
    @Transactional(TxType.MANDATORY)
    public AuditEvent record(Caller caller, String action, String target, Long jobId, Outcome outcome, String details) {
        AuditEvent e = event(caller, action, target, jobId, outcome, details);
        pending().add(e);
        return e;
    }

    /** {@link #record}, sealed and written now (with any event recorded before it in this transaction): for callers that need its {@code seq} at once. */
    @Transactional(TxType.MANDATORY)
    public AuditEvent recordSealed(Caller caller, String action, String target, Long jobId, Outcome outcome, String details) {
        AuditEvent e = record(caller, action, target, jobId, outcome, details);
        seal(pending());
        return e;
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

    @SuppressWarnings("unchecked")
    private List<AuditEvent> pending() {
        List<AuditEvent> p = (List<AuditEvent>) tx.getResource(PENDING);
        if (p == null) {
            List<AuditEvent> list = new ArrayList<>();
            List<AuditEvent> written = new ArrayList<>();
            tx.putResource(PENDING, list);
            tx.putResource(WRITTEN, written);
            // Enlist this transaction's database connection now: nothing may enlist during
            // beforeCompletion. The seal then borrows that same connection and gives it back.
            try (Connection c = dataSource.getConnection()) {
                c.getAutoCommit();
            } catch (SQLException e) {
                throw new IllegalStateException("the database does not answer: " + e.getMessage(), e);
            }
            tx.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    if (tx.getTransactionStatus() == Status.STATUS_ACTIVE) {
                        seal(list);
                    }
                }

                @Override
                public void afterCompletion(int status) {
                    // Counted once committed: a rolled-back append appended nothing.
                    if (status == Status.STATUS_COMMITTED) {
                        for (AuditEvent e : written) {
                            Counter.builder("strata.audit.appends").description("Audit events appended (committed), by outcome")
                                    .tag("outcome", e.outcome.name()).register(registry).increment();
                        }
                    }
                }
            });
            p = list;
        }
        return p;
    }

    /** Seals and writes the pending events, in the order recorded, after the chain's head. */
    private void seal(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        byte[] key = keys.signingKey();
        List<AuditEvent> batch = List.copyOf(events);
        events.clear();
        @SuppressWarnings("unchecked")
        List<AuditEvent> written = (List<AuditEvent>) tx.getResource(WRITTEN);
        written.addAll(batch);
        try (Connection conn = dataSource.getConnection()) {
            String head = (String) tx.getResource(CHAIN_HEAD);
            if (head == null) {
                // The lock first, then the head in a statement of its own: a statement's snapshot is
                // taken when it starts, so a head read in the locking statement could be stale.
                try (PreparedStatement lock = conn.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, CHAIN_LOCK);
                    lock.executeQuery().close();
                }
            }
            long[] seqs = new long[batch.size()];
            try (PreparedStatement next = conn.prepareStatement(head == null
                    ? "SELECT nextval('audit_event_seq'), (SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1) FROM generate_series(1, ?)"
                    : "SELECT nextval('audit_event_seq'), NULL FROM generate_series(1, ?)")) {
                next.setInt(1, batch.size());
                try (ResultSet rs = next.executeQuery()) {
                    for (int i = 0; rs.next(); i++) {
                        seqs[i] = rs.getLong(1);
                        if (head == null) {
                            head = rs.getString(2) == null ? AuditChain.GENESIS : rs.getString(2);
                        }
                    }
                }
            }
            Arrays.sort(seqs);
            Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
            for (int i = 0; i < batch.size(); i++) {
                AuditEvent e = batch.get(i);
                e.seq = seqs[i];
                e.at = at;
                e.prevHash = head;
                e.hash = AuditChain.mac(key, e);
                head = e.hash;
            }
            insert(conn, batch);
            tx.putResource(CHAIN_HEAD, head);
        } catch (SQLException e) {
            throw new IllegalStateException("audit events could not be written: " + e.getMessage(), e);
        }
    }

    private static void insert(Connection conn, List<AuditEvent> batch) throws SQLException {
        try (PreparedStatement ins = conn.prepareStatement("INSERT INTO audit_event (seq, at, actor, roles, source, action,"
                + " target, job_id, outcome, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEvent e : batch) {
                ins.setLong(1, e.seq);
                ins.setObject(2, e.at.atOffset(ZoneOffset.UTC));
                ins.setString(3, e.actor);
                ins.setString(4, e.roles);
                ins.setString(5, e.source);
                ins.setString(6, e.action);
                ins.setString(7, e.target);
                if (e.jobId == null) {
                    ins.setNull(8, Types.BIGINT);
                } else {
                    ins.setLong(8, e.jobId);
                }
                ins.setString(9, e.outcome.name());
                ins.setString(10, e.details);
                ins.setString(11, e.prevHash);
                ins.setString(12, e.hash);
                ins.addBatch();
            }
            ins.executeBatch();
        }
    }

    static void lockChain(EntityManager em) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(?1)").setParameter(1, CHAIN_LOCK).getSingleResult();
    }

    /** Appends one event after the newest, now; the caller holds the chain lock (the audit key's own events). */
    static AuditEvent append(EntityManager em, byte[] key, Caller caller, String action, String target, Long jobId,
            Outcome outcome, String details) {
        @SuppressWarnings("unchecked")
        List<String> last = em.createNativeQuery("SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1").getResultList();
        AuditEvent e = event(caller, action, target, jobId, outcome, details);
        e.seq = ((Number) em.createNativeQuery("SELECT nextval('audit_event_seq')").getSingleResult()).longValue();
        e.at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        e.prevHash = last.isEmpty() ? AuditChain.GENESIS : last.get(0);
        e.hash = AuditChain.mac(key, e);
        em.persist(e);
        return e;
    }

    private static AuditEvent event(Caller caller, String action, String target, Long jobId, Outcome outcome, String details) {
        AuditEvent e = new AuditEvent();
        e.actor = caller.name();
        e.roles = caller.rolesText();
        e.source = caller.source();
        e.action = action;
        e.target = target;
        e.jobId = jobId;
        e.outcome = outcome;
        e.details = details == null || details.length() <= MAX_DETAILS ? details : details.substring(0, MAX_DETAILS) + "…";
        return e;
    }
}

package io.strata.hygiene;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.job.Job;
import io.strata.job.JobFinished;
import io.strata.job.JobKind;
import io.strata.job.JobState;
import io.strata.kernel.Caller;

/**
 * Who made a snapshot through Strata and why. Recorded when the create job is queued; dropped when
 * that job does not succeed, when Strata deletes the snapshot (or merges all), and by the scan for
 * snapshots that are gone. A snapshot without a row was made outside Strata.
 */
@ApplicationScoped
public class SnapshotProvenance {

    @Inject
    EntityManager em;

    /** The caller asked for snapshot {@code snapshot} (job {@code jobId}) with this reason (may be null). */
    public void requested(Caller c, String host, String vm, String snapshot, String reason, long jobId) {
        QuarkusTransaction.requiringNew().run(() -> {
            // A row left by an earlier snapshot of that name (deleted outside Strata) is replaced whole,
            // and that snapshot's recorded warnings go with it: they are not the new one's.
            em.createNativeQuery("DELETE FROM snapshot_hygiene WHERE host = ?1 AND vm = ?2 AND snapshot = ?3")
                    .setParameter(1, host).setParameter(2, vm).setParameter(3, snapshot).executeUpdate();
            forgetWarnings(host, vm, snapshot);
            SnapshotHygieneRecord r = new SnapshotHygieneRecord();
            r.host = host;
            r.vm = vm;
            r.snapshot = snapshot;
            r.creator = c.name();
            r.reason = reason == null || reason.isBlank() ? null : reason.strip();
            r.jobId = jobId;
            r.requestedAt = Instant.now();
            r.persist();
        });
    }

    void afterJob(@Observes JobFinished e) {
        if (e.vm() == null) {
            return;
        }
        if (e.kind() == JobKind.SNAPSHOT_CREATE && e.state() != JobState.SUCCEEDED) {
            // Creates are atomic: a create that did not succeed made nothing (an interrupted one that
            // libvirt completed keeps its row: the reconcile ends SUCCEEDED-like only in its result).
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                    "DELETE FROM snapshot_hygiene h WHERE h.job_id = ?1 AND NOT EXISTS (SELECT 1 FROM snapshot s"
                            + " JOIN vm ON vm.id = s.vm_id WHERE vm.host = h.host AND vm.name = h.vm AND s.name = h.snapshot)")
                    .setParameter(1, e.jobId()).executeUpdate());
        } else if (e.kind() == JobKind.SNAPSHOT_DELETE && e.state() == JobState.SUCCEEDED) {
            QuarkusTransaction.requiringNew().run(() -> {
                Job job = Job.findById(e.jobId());
                if (job != null && job.target != null) {
                    em.createNativeQuery("DELETE FROM snapshot_hygiene WHERE host = ?1 AND vm = ?2 AND snapshot = ?3")
                            .setParameter(1, e.host()).setParameter(2, e.vm()).setParameter(3, job.target).executeUpdate();
                    forgetWarnings(e.host(), e.vm(), job.target);
                }
            });
        } else if ((e.kind() == JobKind.SNAPSHOT_MERGE_ALL || e.kind() == JobKind.VM_DELETE)
                && e.state() == JobState.SUCCEEDED) {
            QuarkusTransaction.requiringNew().run(() -> {
                em.createNativeQuery("DELETE FROM snapshot_hygiene WHERE host = ?1 AND vm = ?2")
                        .setParameter(1, e.host()).setParameter(2, e.vm()).executeUpdate();
                forgetWarnings(e.host(), e.vm(), null);
            });
        }
    }

    /**
     * Drops the warnings recorded for a snapshot that is gone (or for every snapshot of a VM that
     * is gone or was merged, {@code snapshot} null): kept by name, they would show on a later
     * snapshot or VM of the same name, another user's perhaps. The audit log keeps each crossing.
     */
    private void forgetWarnings(String host, String vm, String snapshot) {
        em.createNativeQuery("DELETE FROM snapshot_warning WHERE host = ?1 AND vm = ?2 AND (CAST(?3 AS text) IS NULL OR snapshot = ?3)")
                .setParameter(1, host).setParameter(2, vm).setParameter(3, snapshot).executeUpdate();
    }

    /** Drops rows of snapshots the inventory no longer has (deleted outside Strata, VM gone). */
    int prune() {
        // Warnings of snapshots the inventory no longer has (deleted or VM undefined outside Strata).
        QuarkusTransaction.joiningExisting().run(() -> em.createNativeQuery(
                "DELETE FROM snapshot_warning w WHERE NOT EXISTS (SELECT 1 FROM snapshot s JOIN vm ON vm.id = s.vm_id"
                        + " WHERE vm.host = w.host AND vm.name = w.vm AND s.name = w.snapshot)"
                        + " AND NOT EXISTS (SELECT 1 FROM job j WHERE j.host = w.host AND j.vm = w.vm AND j.state IN ('QUEUED','RUNNING'))")
                .executeUpdate());
        return QuarkusTransaction.joiningExisting().call(() -> em.createNativeQuery(
                "DELETE FROM snapshot_hygiene h WHERE NOT EXISTS (SELECT 1 FROM snapshot s JOIN vm ON vm.id = s.vm_id"
                        + " WHERE vm.host = h.host AND vm.name = h.vm AND s.name = h.snapshot)"
                        + " AND NOT EXISTS (SELECT 1 FROM job j WHERE j.id = h.job_id AND j.state IN ('QUEUED','RUNNING'))")
                .executeUpdate());
    }
}

package io.strata.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.job.JobContext;

/**
 * A snapshot whose image took part of a merge that did not finish. The VM reads as before, but
 * reverting to the snapshot would not bring back its point in time, so revert is refused until
 * the snapshot is deleted (which finishes the merge).
 */
@Entity
@Table(name = "snapshot_mark")
@IdClass(SnapshotMark.Key.class)
public class SnapshotMark extends PanacheEntityBase {

    public record Key(String host, String vm, String snapshot) implements java.io.Serializable {
        public Key() {
            this(null, null, null);
        }
    }

    @Id
    public String host;
    @Id
    public String vm;
    @Id
    public String snapshot;
    @Column(name = "job_id")
    public Long jobId;
    public String reason;
    @Column(name = "created_at")
    public Instant createdAt;

    static void mark(String host, String vm, String snapshot, long jobId, String reason) {
        QuarkusTransaction.requiringNew().run(() -> {
            SnapshotMark m = SnapshotMark.<SnapshotMark>find("host = ?1 and vm = ?2 and snapshot = ?3", host, vm, snapshot)
                    .firstResultOptional().orElseGet(SnapshotMark::new);
            m.host = host;
            m.vm = vm;
            m.snapshot = snapshot;
            m.jobId = jobId;
            m.reason = reason;
            m.createdAt = Instant.now();
            m.persist();
        });
    }

    /** Marks the snapshots whose images took part of the job's unfinished merge, and says so in its log. */
    static void markPartlyMerged(JobContext ctx, List<String> snapshots, String reason) {
        for (String s : snapshots) {
            mark(ctx.host(), ctx.vm(), s, ctx.jobId(), reason);
        }
        ctx.log("marked " + String.join(", ", snapshots) + " as partly merged");
    }

    static void clear(String host, String vm, String snapshot) {
        QuarkusTransaction.requiringNew().run(() ->
                delete("host = ?1 and vm = ?2 and snapshot = ?3", host, vm, snapshot));
    }

    static void clearAll(String host, String vm) {
        QuarkusTransaction.requiringNew().run(() -> delete("host = ?1 and vm = ?2", host, vm));
    }

    /** snapshot name → reason, for one VM. */
    static Map<String, String> of(String host, String vm) {
        return QuarkusTransaction.joiningExisting().call(() -> SnapshotMark.<SnapshotMark>list("host = ?1 and vm = ?2", host, vm)
                .stream().collect(Collectors.toMap(m -> m.snapshot, m -> m.reason)));
    }
}

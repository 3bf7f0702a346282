package io.strata.job;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A row of the job table: the queue, the progress and the history of every change Strata makes. */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Enumerated(EnumType.STRING)
    public JobKind kind;
    @Enumerated(EnumType.STRING)
    public JobState state;
    public String host;
    public String vm;
    /** What inside the VM the job works on (a snapshot name, a disk), if anything. */
    public String target;
    /** The kind's typed payload as JSON (a jsonb column); see {@link JobPayload}. */
    @ColumnTransformer(write = "cast(? as jsonb)")
    public String payload;
    /** The schema version the payload was written with ({@link JobHandler#payloadVersion()}). */
    @Column(name = "payload_version")
    public int payloadVersion;
    public int progress;
    @Column(name = "progress_text")
    public String progressText;
    public String actor;
    @Column(name = "actor_roles")
    public String actorRoles;
    @Column(name = "source_address")
    public String sourceAddress;
    public int attempts;
    public String worker;
    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;
    @Column(name = "cancel_requested")
    public boolean cancelRequested;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    public String result;
    /** When an INTERRUPTED job's handler finished inspecting the host; its finding is the result. */
    @Column(name = "reconciled_at")
    public Instant reconciledAt;
    public String error;
    /** The provisioning batch this job belongs to, if any. */
    @Column(name = "batch_id")
    public Long batchId;

    /** "host/vm" or "host/vm/target": the audit log's name for what the job touches. */
    public String auditTarget() {
        StringBuilder b = new StringBuilder(host);
        if (vm != null) {
            b.append('/').append(vm);
        }
        if (target != null) {
            b.append('/').append(target);
        }
        return b.toString();
    }
}

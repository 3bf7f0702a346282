package io.strata.hygiene;

import java.io.Serializable;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A row of {@code snapshot_hygiene}: who made the snapshot through Strata and why (creator null:
 * made outside Strata), its extended lease, and the health the last scan recorded.
 */
@Entity
@Table(name = "snapshot_hygiene")
@IdClass(SnapshotHygieneRecord.Key.class)
public class SnapshotHygieneRecord extends PanacheEntityBase {

    public record Key(String host, String vm, String snapshot) implements Serializable {
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
    public String creator;
    public String reason;
    @Column(name = "job_id")
    public Long jobId;
    @Column(name = "requested_at")
    public Instant requestedAt;
    @Column(name = "lease_until")
    public Instant leaseUntil;
    @Column(name = "lease_by")
    public String leaseBy;
    @Column(name = "lease_reason")
    public String leaseReason;
    @Column(name = "lease_at")
    public Instant leaseAt;
    @Column(name = "scan_health")
    public String scanHealth = "ok";
    @Column(name = "scan_lease_expired")
    public boolean scanLeaseExpired;

    public static SnapshotHygieneRecord find(String host, String vm, String snapshot) {
        return find("host = ?1 and vm = ?2 and snapshot = ?3", host, vm, snapshot).firstResult();
    }
}

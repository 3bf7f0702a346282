package io.strata.hygiene;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A crossing the scan recorded once (warn, critical, lease-expired), with whom it concerns. */
@Entity
@Table(name = "snapshot_warning")
public class SnapshotWarningRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String host;
    public String vm;
    public String snapshot;
    /** warn, critical or lease-expired. */
    public String crossing;
    public String health;
    /** The reasons at that moment, one per line. */
    public String reasons;
    public String owner;
    public String creator;
    public String reason;
    public Instant at;
    @Column(name = "audit_seq")
    public Long auditSeq;
}

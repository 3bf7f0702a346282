package io.strata.audit;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One row of the append-only audit log (the database refuses UPDATE and DELETE). */
@Entity
@Table(name = "audit_event")
public class AuditEvent extends PanacheEntityBase {

    @Id
    public long seq;
    public Instant at;
    public String actor;
    public String roles;
    public String source;
    public String action;
    public String target;
    @Column(name = "job_id")
    public Long jobId;
    @Enumerated(EnumType.STRING)
    public Outcome outcome;
    public String details;
    @Column(name = "prev_hash")
    public String prevHash;
    public String hash;
}

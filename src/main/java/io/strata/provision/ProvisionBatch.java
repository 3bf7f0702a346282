package io.strata.provision;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** VMs asked for in one request; each is its own job, so one failure does not undo the others. */
@Entity
@Table(name = "provision_batch")
public class ProvisionBatch extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String host;
    public String template;
    public String method;
    @Column(name = "name_pattern")
    public String namePattern;
    public int count;
    public String actor;
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;
}

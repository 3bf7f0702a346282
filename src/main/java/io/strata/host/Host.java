package io.strata.host;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A libvirt host Strata manages, by name and connection URI. */
@Entity
@Table(name = "host")
public class Host extends PanacheEntityBase {
    @Id
    public String name;
    public String uri;
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;
}

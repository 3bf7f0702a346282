package io.strata.vm;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

/** The inventory cache's row for one snapshot of a VM. */
@Entity
@Table(name = "snapshot")
public class SnapshotRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "vm_id")
    public long vmId;
    public String name;
    public String parent;
    /** INTERNAL or EXTERNAL. */
    public String kind;
    /** The domain state saved with the snapshot (running, shutoff, disk-snapshot…). */
    public String state;
    public String description;
    @Column(name = "created_at")
    public Instant createdAt;
    public boolean current;
    /** For external snapshots: one "target: image → overlay" line per disk. */
    public String files;
    /** For external snapshots: bytes its overlay files take on disk; null for internal ones. */
    @Column(name = "overlay_bytes")
    public Long overlayBytes;
}

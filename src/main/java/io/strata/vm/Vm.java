package io.strata.vm;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

/** The inventory cache's row for one domain. libvirt is the truth; {@link InventorySync} keeps this honest. */
@Entity
@Table(name = "vm")
public class Vm extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String host;
    public String name;
    public String uuid;
    public String owner;
    public boolean template;
    public String state;
    public int vcpus;
    @Column(name = "memory_kib")
    public long memoryKib;
    /** The disks with their backing chains, as JSON (a list of {@code DiskInfo}). */
    @Column(name = "disks_json")
    public String disksJson;
    @Column(name = "synced_at")
    public Instant syncedAt;

    public static java.util.Optional<Vm> find(String host, String name) {
        return find("host = ?1 and name = ?2", host, name).firstResultOptional();
    }
}

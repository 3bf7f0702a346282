package io.strata.template;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

import io.strata.kernel.InputRules;

/**
 * A sealed template: its domain is undefined in libvirt, its definition and its (read-only)
 * images are recorded here. Provisioning copies or stacks on those images.
 */
@Entity
@Table(name = "template")
public class Template extends PanacheEntityBase {

    /** One sealed image of the template. */
    @Schema(name = "TemplateDisk")
    public record Disk(String target, String file, String format, long virtualSize, long bytes) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String host;
    public String name;
    @Column(name = "source_vm")
    public String sourceVm;
    @Column(name = "domain_xml")
    public String domainXml;
    /** JSON list of {@link Disk}. */
    public String disks;
    public String operations;
    public String os;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "sealed_at")
    public Instant sealedAt;

    public List<Disk> diskList() {
        try {
            return JSON.readValue(disks, new TypeReference<List<Disk>>() { });
        } catch (Exception e) {
            throw new IllegalStateException("unreadable disk list of template " + name, e);
        }
    }

    public void diskList(List<Disk> list) {
        try {
            disks = JSON.writeValueAsString(list);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public long virtualBytes() {
        return diskList().stream().mapToLong(Disk::virtualSize).sum();
    }

    public long bytes() {
        return diskList().stream().mapToLong(Disk::bytes).sum();
    }

    public static Optional<Template> find(String host, String name) {
        return find("host = ?1 and name = ?2", host, name).firstResultOptional();
    }

    /** The template's name for a VM: {@code template-<vm>}. */
    public static String nameFor(String vm) {
        return InputRules.TEMPLATE_PREFIX + vm;
    }
}

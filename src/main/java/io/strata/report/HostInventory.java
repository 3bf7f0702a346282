package io.strata.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.host.Host;
import io.strata.host.HostRegistry;
import io.strata.imagetool.BackingChains;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.ImageInfo;
import io.strata.imagetool.ImageToolException;
import io.strata.job.Job;
import io.strata.job.JobState;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtFailure;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtPools;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.SnapshotDisk;
import io.strata.libvirt.SnapshotInfo;
import io.strata.template.Template;

/**
 * Reads, fresh from every host, what a cleanup report and an orphan delete judge against: each
 * domain (running or defined) with its disk chains, each snapshot's files and their chains,
 * template images, the queued and running jobs, and the directories to look in (the target
 * directories of the {@code dir} storage pools and every directory holding a disk of a domain).
 * All hosts share one index, so a file one host's domain uses is never another host's orphan.
 */
@ApplicationScoped
public class HostInventory {

    private static final Logger LOG = Logger.getLogger(HostInventory.class);

    @Inject
    HostRegistry hosts;
    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    LibvirtPools pools;
    @Inject
    BackingChains chains;

    /** One domain as read: its host, summary and snapshots. */
    record Domain(String host, DomainSummary summary, List<SnapshotInfo> snapshots) {
    }

    /** Everything read, with the hosts that could not be read and why. */
    record Inventory(FileReferences refs, Map<String, String> directoryHost, List<Domain> domains,
                     List<Template> templates, List<String> problems) {
    }

    /** Reads every host. {@code exceptJob}: a job not to count as a reference (the one asking). */
    Inventory read(Long exceptJob) {
        FileReferences refs = new FileReferences(ImageFiles::realPath);
        Map<String, String> dirs = new LinkedHashMap<>();
        List<Domain> domains = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Host> all = hosts.all();
        for (Host h : all) {
            try {
                for (String dir : pools.dirPoolTargets(h.name)) {
                    dirs.putIfAbsent(ImageFiles.realPath(dir), h.name);
                }
                for (String name : gateway.domainNames(h.name)) {
                    try {
                        DomainSummary d = gateway.describe(h.name, name);
                        List<SnapshotInfo> snaps = domainSnapshots.snapshots(h.name, name);
                        domains.add(new Domain(h.name, d, snaps));
                        index(refs, dirs, problems, h.name, d, snaps);
                    } catch (LibvirtFailure e) {
                        if (e.kind() != LibvirtFailure.Kind.NOT_FOUND) {
                            throw e;
                        } // undefined while we looked
                    }
                }
            } catch (LibvirtFailure e) {
                LOG.warnf("cleanup report: host %s not read: %s", h.name, e.getMessage());
                problems.add("host " + h.name + " could not be read: " + e.getMessage());
            }
        }
        List<Template> templates = QuarkusTransaction.requiringNew().call(() -> Template.<Template>listAll());
        for (Template t : templates) {
            for (Template.Disk disk : t.diskList()) {
                refs.templateImage(t.name, disk.file());
                dirs.putIfAbsent(parent(disk.file()), t.host);
            }
        }
        List<Job> active = QuarkusTransaction.requiringNew().call(() -> Job.<Job>list("state in ?1",
                List.of(JobState.QUEUED, JobState.RUNNING)));
        for (Job j : active) {
            if (exceptJob == null || !exceptJob.equals(j.id)) {
                refs.activeJob(j.id, j.kind.action, j.vm, j.payload);
            }
        }
        return new Inventory(refs, dirs, domains, templates, problems);
    }

    /**
     * Every file a domain names is a reference, whatever the device (a CD-ROM's ISO too). A chain
     * that could not be read (or a disk whose source is no file) is a problem: the files below it
     * are unknown, so no orphan may be deleted while it lasts.
     */
    private void index(FileReferences refs, Map<String, String> dirs, List<String> problems, String host, DomainSummary d,
            List<SnapshotInfo> snaps) {
        refs.domainOwner(d.name(), d.owner());
        for (DiskInfo disk : d.disks()) {
            if (disk.file() == null) {
                if ("disk".equals(disk.device())) {
                    problems.add("disk " + disk.target() + " of " + host + "/" + d.name() + " has no file source (volume, block or network): the files it uses are unknown");
                }
                continue;
            }
            List<String> chain = new ArrayList<>();
            chain.add(disk.file());
            disk.chain().stream().map(ImageInfo::file).filter(f -> !f.equals(disk.file())).forEach(chain::add);
            refs.domainChain(d.name(), disk.target(), chain);
            chain.forEach(f -> dirs.putIfAbsent(parent(refs.normalise(f)), host));
            // A top that is gone has no chain left to read (section 2 reports it); one that is there
            // but could not be read hides its backing files.
            if ("disk".equals(disk.device()) && disk.chainError() != null && java.nio.file.Files.exists(Path.of(disk.file()))) {
                problems.add("the chain of " + host + "/" + d.name() + " " + disk.target() + " could not be read: " + disk.chainError());
            }
        }
        for (SnapshotInfo s : snaps) {
            for (SnapshotDisk sd : s.externalDisks()) {
                if (sd.overlay() != null) {
                    refs.snapshotChain(d.name(), s.name(), List.of(sd.overlay()));
                }
                if (sd.image() != null) {
                    refs.snapshotChain(d.name(), s.name(), chainOf(refs, problems, sd.image(), sd.imageFormat()));
                }
            }
        }
    }

    /** A snapshot image's chain; read only when its image is not already known from a disk chain. */
    private List<String> chainOf(FileReferences refs, List<String> problems, String image, String format) {
        if (refs.referrer(refs.normalise(image)) != null || format == null) {
            return List.of(image);
        }
        try {
            return chains.of(image, format).stream().map(ImageInfo::file).toList();
        } catch (ImageToolException e) {
            if (java.nio.file.Files.exists(Path.of(image))) {
                problems.add("the chain of snapshot image " + image + " could not be read: " + e.getMessage());
            }
            return List.of(image); // missing or unreadable: section 2 reports it
        }
    }

    static String parent(String file) {
        Path p = Path.of(file).getParent();
        return p == null ? "/" : p.toString();
    }
}

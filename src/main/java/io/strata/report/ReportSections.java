package io.strata.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.imagetool.ImageToolException;
import io.strata.imagetool.QemuImg;
import io.strata.job.Job;
import io.strata.job.JobState;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.SnapshotDisk;
import io.strata.libvirt.SnapshotInfo;
import io.strata.snapshot.SnapshotMark;
import io.strata.template.Template;

/**
 * Sections 2, 4, 5 and 6 of a cleanup report, from what {@link HostInventory} read (section 1 is
 * {@link PolicySection}, 3 is {@link OrphanScan}, 7 is computed in the database).
 */
@ApplicationScoped
public class ReportSections {

    static final Duration TEMPLATE_IDLE = Duration.ofDays(30);

    @Inject
    QemuImg qemuImg;

    /** Section 2: partly merged snapshots (cancelled or interrupted merges) and disks whose chain is broken. */
    void chains(HostInventory.Inventory inv, Consumer<ReportItem> out) {
        Map<String, String> owners = owners(inv);
        List<SnapshotMark> marks = QuarkusTransaction.requiringNew().call(() -> SnapshotMark.<SnapshotMark>listAll());
        for (SnapshotMark m : marks) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("problem", "partly merged");
            d.put("snapshot", m.snapshot);
            d.put("reason", m.reason);
            d.put("job", m.jobId);
            d.put("action", "delete the snapshot to finish the merge");
            out.accept(new ReportItem(ReportItem.CHAINS, "partly-merged:" + m.host + "/" + m.vm + "/" + m.snapshot, m.host,
                    m.vm, owners.get(m.host + "/" + m.vm), "snapshot " + m.snapshot + " of " + m.vm + " is partly merged: "
                            + m.reason, d));
        }
        Set<String> templateImages = new java.util.HashSet<>();
        inv.templates().forEach(t -> t.diskList().forEach(x -> templateImages.add(x.file())));
        for (HostInventory.Domain dom : inv.domains()) {
            String vm = dom.summary().name();
            for (DiskInfo disk : dom.summary().disks()) {
                if (disk.file() == null || !"disk".equals(disk.device()) || disk.chainError() == null) {
                    continue;
                }
                String problem = brokenChain(disk, templateImages);
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("problem", problem);
                d.put("disk", disk.target());
                d.put("path", disk.file());
                d.put("error", disk.chainError());
                out.accept(new ReportItem(ReportItem.CHAINS, "broken:" + dom.host() + "/" + vm + "/" + disk.target(),
                        dom.host(), vm, dom.summary().owner(), vm + " disk " + disk.target() + ": " + problem, d));
            }
            for (SnapshotInfo s : dom.snapshots()) {
                for (SnapshotDisk sd : s.externalDisks()) {
                    if (sd.image() != null && !Files.exists(Path.of(sd.image()))) {
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("problem", "snapshot image missing");
                        d.put("snapshot", s.name());
                        d.put("path", sd.image());
                        out.accept(new ReportItem(ReportItem.CHAINS, "missing:" + dom.host() + "/" + vm + "/" + s.name() + "/"
                                + sd.target(), dom.host(), vm, dom.summary().owner(), "snapshot " + s.name() + " of " + vm
                                        + ": its image " + sd.image() + " is missing", d));
                    }
                }
            }
        }
    }

    /** What is wrong with a disk whose chain qemu-img could not read, in words. */
    private String brokenChain(DiskInfo disk, Set<String> templateImages) {
        if (!Files.exists(Path.of(disk.file()))) {
            return "its file " + disk.file() + " is missing";
        }
        try {
            String backing = qemuImg.probe(disk.file()).backingFile();
            if (backing != null) {
                Path b = Path.of(disk.file()).resolveSibling(backing);
                if (!Files.exists(b)) {
                    boolean template = templateImages.contains(b.toString())
                            || b.getFileName().toString().startsWith("template-");
                    return template ? "thin VM whose template image " + b + " is gone"
                            : "backing file " + b + " is missing";
                }
            }
        } catch (ImageToolException e) {
            return "unreadable: " + e.getMessage();
        }
        return "chain unreadable: " + disk.chainError();
    }

    /** Section 4: templates sealed more than 30 days ago that no VM's chain uses now. */
    void idleTemplates(HostInventory.Inventory inv, Instant now, Consumer<ReportItem> out) {
        FileReferences refs = inv.refs();
        for (Template t : inv.templates()) {
            if (t.sealedAt == null || t.sealedAt.isAfter(now.minus(TEMPLATE_IDLE))) {
                continue;
            }
            boolean used = t.diskList().stream().anyMatch(d -> refs.chainUse(refs.normalise(d.file())) != null);
            if (used) {
                continue;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("template", t.name);
            d.put("sealedAt", t.sealedAt.toString());
            d.put("ageDays", Duration.between(t.sealedAt, now).toDays());
            d.put("bytes", t.bytes());
            d.put("action", "delete the template if nobody will provision from it");
            out.accept(new ReportItem(ReportItem.TEMPLATES, "template:" + t.host + "/" + t.name, t.host, null, null,
                    "template " + t.name + " has no thin dependents, sealed " + d.get("ageDays") + " days ago", d));
        }
    }

    /** Section 5: jobs that ended FAILED or INTERRUPTED after {@code since}. */
    void failedJobs(HostInventory.Inventory inv, Instant since, Consumer<ReportItem> out) {
        Map<String, String> owners = owners(inv);
        List<Job> jobs = QuarkusTransaction.requiringNew().call(() -> Job.<Job>list(
                "state in ?1 and finishedAt > ?2 order by id", List.of(JobState.FAILED, JobState.INTERRUPTED), since));
        for (Job j : jobs) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("job", j.id);
            d.put("kind", j.kind.name());
            d.put("state", j.state.name());
            d.put("actor", j.actor);
            d.put("finishedAt", j.finishedAt.toString());
            d.put("error", j.error == null ? j.result : j.error);
            String owner = j.vm == null ? j.actor : owners.getOrDefault(j.host + "/" + j.vm, j.actor);
            out.accept(new ReportItem(ReportItem.JOBS, "job:" + j.id, j.host, j.vm, owner,
                    "job " + j.id + " (" + j.kind.action + ") " + j.state + ": " + (j.error == null ? "" : j.error), d));
        }
    }

    /**
     * Section 6: bytes held by external snapshots' overlays per host and owner, and what merging
     * the snapshots flagged in section 1 would free ({@code flaggedBytes}: host/vm/snapshot → bytes).
     */
    void space(HostInventory.Inventory inv, Map<String, Long> flaggedBytes, Consumer<ReportItem> out) {
        Map<String, long[]> byHostOwner = new LinkedHashMap<>();
        for (HostInventory.Domain dom : inv.domains()) {
            String owner = dom.summary().owner() == null ? "" : dom.summary().owner();
            long[] acc = byHostOwner.computeIfAbsent(dom.host() + "\n" + owner, k -> new long[3]);
            for (SnapshotInfo s : dom.snapshots()) {
                long bytes = s.externalDisks().stream().mapToLong(x -> Math.max(0, x.overlayBytes())).sum();
                acc[0] += bytes;
                acc[1]++;
                acc[2] += flaggedBytes.getOrDefault(dom.host() + "/" + dom.summary().name() + "/" + s.name(), 0L);
            }
        }
        byHostOwner.forEach((k, acc) -> {
            if (acc[1] == 0) {
                return;
            }
            String host = k.substring(0, k.indexOf('\n'));
            String owner = k.substring(k.indexOf('\n') + 1);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("snapshots", acc[1]);
            d.put("overlayBytes", acc[0]);
            d.put("freedByMerge", acc[2]);
            out.accept(new ReportItem(ReportItem.SPACE, "space:" + host + "/" + owner, host, null,
                    owner.isEmpty() ? null : owner, (owner.isEmpty() ? "no owner" : owner) + " on " + host + ": "
                            + acc[1] + " snapshots, " + acc[0] + " bytes in overlays, merging the flagged ones frees up to "
                            + acc[2], d));
        });
    }

    static Map<String, String> owners(HostInventory.Inventory inv) {
        Map<String, String> out = new java.util.HashMap<>();
        for (HostInventory.Domain d : inv.domains()) {
            if (d.summary().owner() != null) {
                out.put(d.host() + "/" + d.summary().name(), d.summary().owner());
            }
        }
        return out;
    }

    /** The evidence of one orphan as an item of section 3. */
    static ReportItem orphanItem(OrphanScan.Found f) {
        OrphanRules.Orphan o = f.orphan();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", o.path());
        d.put("bytes", o.bytes());
        d.put("mtime", o.mtime().toString());
        d.put("format", o.format());
        d.put("backingFile", o.backingFile());
        d.put("why", o.why());
        d.put("revertLeftover", o.revertLeftover());
        return new ReportItem(ReportItem.ORPHANS, "orphan:" + f.host() + ":" + o.path(), f.host(), o.vm(), o.owner(),
                o.path() + ": " + o.why(), d);
    }

}

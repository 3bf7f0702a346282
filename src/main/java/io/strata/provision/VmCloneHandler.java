package io.strata.provision;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.imagetool.GuestTools;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.QemuImg;
import io.strata.job.JobCancelled;
import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;
import io.strata.kernel.Cancelled;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtGateway;
import io.strata.template.Template;
import io.strata.vm.InventorySync;

/**
 * Clones a shut-off or paused VM (the job's VM) into a new one: each disk copied beside the
 * source's into an independent image (reflink when the disk has no backing file, else qemu-img
 * convert, which flattens the chain), the definition with a new name, UUID and MACs, the requester
 * as owner. The source is only read. A failure or cancel removes what was made of the clone.
 */
@ApplicationScoped
public class VmCloneHandler implements JobHandler {

    static final String RESET_OPERATIONS = "machine-id,ssh-hostkeys";

    @Inject
    LibvirtGateway gateway;
    @Inject
    QemuImg qemuImg;
    @Inject
    ImageFiles files;
    @Inject
    GuestTools guestTools;
    @Inject
    InventorySync inventory;

    @Override
    public JobKind kind() {
        return JobKind.VM_CLONE;
    }

    @Override
    public Class<VmClonePayload> payloadType() {
        return VmClonePayload.class;
    }

    /** The disks a clone copies: file-backed disks (CD-ROMs keep pointing at their image). */
    static List<DiskInfo> copied(DomainSummary d) {
        return d.disks().stream().filter(x -> "disk".equals(x.device()) && x.file() != null).toList();
    }

    /** The clone's file for the source's disk {@code i}: beside it, named as provisioning names disks. */
    static String clonePath(DiskInfo x, String clone, int i) {
        return ProvisionHandlers.diskPath(new Template.Disk(x.target(), x.file(), x.format(), 0, 0), clone, i == 0, x.format());
    }

    @Override
    public String run(JobContext ctx) {
        String host = ctx.host();
        String source = ctx.vm();
        VmClonePayload p = ctx.payload(VmClonePayload.class);
        String clone = p.name();
        DomainSummary d = gateway.describe(host, source);
        DomainState state = d.state();
        if (state != DomainState.SHUT_OFF && state != DomainState.PAUSED) {
            throw new JobFailure(source + " is " + state.label() + "; shut it down or pause it to clone it; nothing was created");
        }
        if (gateway.exists(host, clone)) {
            throw new JobFailure("a VM named " + clone + " exists now; nothing was created");
        }
        String definition = gateway.definition(host, source);
        List<DiskInfo> disks = copied(d);
        String problem = VmCloneService.diskProblem(d, disks);
        if (problem != null) {
            throw new JobFailure(problem + "; nothing was created");
        }
        boolean paused = state == DomainState.PAUSED;
        List<String> made = new ArrayList<>();
        List<String[]> fileAndFormat = new ArrayList<>();
        List<String> how = new ArrayList<>();
        boolean defined = false;
        JobContext.Band copying = ctx.band(5, 75);
        try {
            for (int i = 0; i < disks.size(); i++) {
                DiskInfo x = disks.get(i);
                String path = clonePath(x, clone, i);
                int below = x.chain().size() - 1;
                // A reflink would copy a backing-file reference or internal snapshots too: only a lone image qualifies.
                boolean lone = below == 0 && x.chain().get(0).internalSnapshots() == 0;
                if (lone && files.reflinkCopy(x.file(), path)) {
                    made.add(path);
                    how.add(x.target() + " → " + path + " (reflink)");
                } else {
                    var progress = copying.part(i, disks.size()).percent(x.target() + ": copying");
                    qemuImg.convert(x.file(), x.format(), path, x.format(), paused, progress, ctx::cancelRequested);
                    made.add(path);
                    how.add(x.target() + " → " + path + " (qemu-img convert" + (below > 0 ? ", " + below
                            + " backing layer(s) flattened" : "") + ")");
                }
                files.makeWritable(path);
                ctx.log(how.get(how.size() - 1));
                fileAndFormat.add(new String[] { x.target(), path, x.format() });
            }
            changeGuest(ctx, p, fileAndFormat);
            ctx.checkCancelled();
            DomainState after = gateway.state(host, source);
            if (after != state) {
                throw new JobFailure(source + " changed from " + state.label() + " to " + after.label()
                        + " while it was copied; the copy may be inconsistent");
            }
            ctx.progress(90, "defining " + clone);
            gateway.define(host, ProvisionHandlers.Provision.definition(definition, clone, fileAndFormat, ctx.actor()));
            defined = true;
            if (p.start()) {
                gateway.start(host, clone);
            }
        } catch (RuntimeException e) {
            if (defined) {
                if (gateway.state(host, clone).isActive()) {
                    gateway.destroy(host, clone);
                }
                gateway.undefine(host, clone);
            }
            made.forEach(files::removeQuietly);
            ctx.log("nothing of " + clone + " was kept; " + source + " was not changed");
            if (e instanceof Cancelled) {
                throw new JobCancelled("cancelled; nothing of " + clone + " was kept");
            }
            throw e;
        }
        inventory.syncVm(host, clone);
        return "VM " + clone + " cloned from " + source + " (" + state.label() + "): " + String.join("; ", how)
                + (p.reset() ? "; machine-id and SSH host keys reset" : "") + (p.start() ? "; started" : "");
    }

    /** {@code reset}: virt-sysprep on every disk of the clone; else virt-customize for a hostname or key. */
    private void changeGuest(JobContext ctx, VmClonePayload p, List<String[]> fileAndFormat) {
        java.util.function.Consumer<String> lines = line -> {
            if (line.startsWith("[")) {
                ctx.log(line.strip());
            }
        };
        boolean customize = p.hostname() != null || p.sshKey() != null;
        if (p.reset()) {
            ctx.progress(78, "making the clone a different machine (virt-sysprep " + RESET_OPERATIONS + ")");
            // virt-sysprep applies --hostname and --ssh-inject in its "customize" operation.
            guestTools.sysprep(fileAndFormat.stream().map(f -> new GuestTools.Image(f[1], f[2])).toList(),
                    RESET_OPERATIONS + (customize ? ",customize" : ""), p.hostname(),
                    p.sshKey() == null ? List.of() : List.of(p.sshKey()), lines, ctx::cancelRequested);
        } else if (customize) {
            ctx.progress(80, "customising the clone's disk (virt-customize)");
            guestTools.customize(new GuestTools.Image(fileAndFormat.get(0)[1], fileAndFormat.get(0)[2]), p.hostname(),
                    p.sshKey(), lines);
        }
    }

    @Override
    public String reconcile(JobContext ctx) {
        String clone = ctx.payload(VmClonePayload.class).name();
        if (gateway.exists(ctx.host(), clone)) {
            return "VM " + clone + " exists: it was defined before the worker stopped";
        }
        // Unfinished copies are removed only where no domain uses the file (it could be someone else's).
        DomainSummary d = gateway.describe(ctx.host(), ctx.vm());
        var used = gateway.domainsByFile(ctx.host());
        List<String> removed = new ArrayList<>();
        List<DiskInfo> disks = copied(d);
        for (int i = 0; i < disks.size(); i++) {
            String path = clonePath(disks.get(i), clone, i);
            if (files.exists(path) && !used.containsKey(path)) {
                files.removeQuietly(path);
                removed.add(path);
            }
        }
        return "VM " + clone + " was not defined; " + (removed.isEmpty() ? "no file was left"
                : "removed its unfinished files " + String.join(", ", removed));
    }
}

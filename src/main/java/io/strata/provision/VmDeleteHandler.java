package io.strata.provision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.ImageToolException;
import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.LibvirtFailure;
import io.strata.libvirt.LibvirtGateway;
import io.strata.vm.GracefulShutdown;

/**
 * Deletes a VM (the job's VM): forced off when asked, its snapshots' metadata and its definition
 * (NVRAM included) removed in one undefine, then the files nothing else uses: its snapshots' files
 * outside the disks' chains always, and with {@code disks} every file of its chains as well. Who
 * uses what is read again after the undefine, right before any file goes.
 */
@ApplicationScoped
public class VmDeleteHandler implements JobHandler {

    @Inject
    LibvirtGateway gateway;
    @Inject
    GracefulShutdown graceful;
    @Inject
    VmFiles vmFiles;
    @Inject
    ImageFiles files;
    @Inject
    EntityManager em;

    @Override
    public JobKind kind() {
        return JobKind.VM_DELETE;
    }

    @Override
    public Class<VmDeletePayload> payloadType() {
        return VmDeletePayload.class;
    }

    @Override
    public String run(JobContext ctx) throws InterruptedException {
        String host = ctx.host();
        String vm = ctx.vm();
        VmDeletePayload p = ctx.payload(VmDeletePayload.class);
        VmFiles.Owned owned = vmFiles.of(host, vm);
        if (!owned.problems().isEmpty()) {
            throw new JobFailure(String.join("; ", owned.problems()) + "; nothing was changed");
        }
        List<String> used = VmFiles.conflicts(owned, vmFiles.usedByOthers(host, vm));
        if (!used.isEmpty()) {
            throw new JobFailure(vm + "'s files are in use elsewhere now: " + String.join(", ", used) + "; nothing was changed");
        }
        List<String> unknown = vmFiles.unreadableOthers(host, vm);
        if (!unknown.isEmpty()) {
            throw new JobFailure(String.join("; ", unknown) + "; what it uses is unknown, so nothing was changed");
        }
        DomainState s = gateway.state(host, vm);
        if (s.isActive()) {
            if (!p.force()) {
                throw new JobFailure(vm + " is " + s.label() + " now; nothing was changed");
            }
            ctx.log("forcing off " + vm + " (" + s.label() + ")");
            gateway.destroy(host, vm);
            awaitShutOff(ctx, vm);
        }
        ctx.checkCancelled();
        ctx.progress(30, "removing " + vm + "'s definition and snapshot metadata");
        try {
            gateway.undefineWithMetadata(host, vm);
        } catch (LibvirtFailure e) {
            // libvirtd may have undefined it and died before answering: once it answers again,
            // whether the domain is still defined says if the delete goes on (its files must not
            // be left behind, named by nothing).
            if (e.kind() != LibvirtFailure.Kind.HOST_UNAVAILABLE
                    || gateway.readWaiting(host, "looking up " + vm, () -> gateway.exists(host, vm))) {
                throw e;
            }
        }
        // Marks of partly merged snapshots belong to snapshots that no longer exist.
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("DELETE FROM snapshot_mark WHERE host = ?1 AND vm = ?2")
                .setParameter(1, host).setParameter(2, vm).executeUpdate());
        ctx.log("undefined " + vm + " with the metadata of " + owned.snapshots() + " snapshot(s) and its NVRAM, if any");

        List<String> candidates = new ArrayList<>(owned.snapshotFiles().stream()
                .filter(f -> !owned.diskChains().contains(f)).toList());
        if (p.disks()) {
            candidates.addAll(owned.diskChains().stream().filter(f -> !candidates.contains(f)).toList());
        }
        ctx.progress(60, "removing files nothing else uses");
        // The domain is gone now: a libvirtd restart must not stop the job before its files go.
        Map<String, String> users = gateway.readWaiting(host, "reading which domains use " + vm + "'s files",
                () -> vmFiles.usedByOthers(host, vm));
        List<String> removed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        long freed = 0;
        for (String f : candidates) {
            String real = ImageFiles.realPath(f);
            if (users.containsKey(real)) {
                kept.add(f + " (used by " + users.get(real) + ")");
            } else if (!files.inStorage(f)) {
                kept.add(f + " (outside the storage directories)");
            } else if (files.exists(f)) {
                long bytes = owned.bytes().getOrDefault(f, Math.max(0, files.fileBytes(f)));
                try {
                    files.remove(f);
                    removed.add(f + " (" + bytes + " bytes)");
                    freed += bytes;
                    ctx.log("removed " + f);
                } catch (ImageToolException e) {
                    kept.add(f + " (" + e.getMessage() + ")");
                }
            }
        }
        kept.forEach(k -> ctx.log("kept " + k));
        String result = "VM " + vm + " deleted (definition and " + owned.snapshots() + " snapshot(s)); ";
        result += removed.isEmpty() ? "no file removed" : "removed " + removed.size() + " file(s), " + freed
                + " bytes freed: " + String.join(", ", removed);
        if (!p.disks()) {
            result += "; disk images kept: " + String.join(", ", owned.diskChains());
        }
        return result + (kept.isEmpty() ? "" : "; kept: " + String.join(", ", kept));
    }

    private void awaitShutOff(JobContext ctx, String vm) throws InterruptedException {
        if (graceful.await(ctx, DomainState.SHUT_OFF, 10_000, false) != DomainState.SHUT_OFF) {
            throw new JobFailure(vm + " did not stop after the force off; nothing was removed");
        }
    }

    @Override
    public String reconcile(JobContext ctx) {
        // Nothing is removed again on a guess: the user can ask for the delete once more.
        if (gateway.exists(ctx.host(), ctx.vm())) {
            return "VM " + ctx.vm() + " is still defined; no file was removed after the worker stopped; ask again to delete it";
        }
        return "VM " + ctx.vm() + " was undefined before the worker stopped; some of its files may remain";
    }
}

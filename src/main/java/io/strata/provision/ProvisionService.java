package io.strata.provision;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.EnumSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.auth.AppUser;
import io.strata.kernel.Caller;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobRequest;
import io.strata.job.JobQueue;
import io.strata.job.JobState;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.template.Template;
import io.strata.template.SealChecks;
import io.strata.template.TemplateService;
import io.strata.vm.Vm;
import io.strata.vm.VmAccess;
import io.strata.vm.VmViews;
import io.strata.audit.Refusals;
import io.strata.job.JobPayload;
import io.strata.libvirt.DomainState;

/**
 * Provisioning requests: one VM or a batch from a template, thin or full clone, within the
 * caller's quota; and flattening a thin VM. Validates everything before the first job is queued.
 */
@ApplicationScoped
public class ProvisionService {

    public static final int MAX_COUNT = ProvisionNames.MAX_COUNT;
    private static final long GIB = 1024L * 1024 * 1024;

    @Inject
    Refusals refusals;
    @Inject
    TemplateService templates;
    @Inject
    JobQueue jobs;
    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    VmAccess access;
    @Inject
    VmViews views;

    /** A provisioning request (API body and form). */
    @Schema(name = "ProvisionRequest")
    public record Request(String host, String name, String namePattern, Integer count, String method, String hostname,
                          String sshKey, Boolean start) {
    }

    /** The answer: the batch, its jobs and the VM names, in the same order. */
    public record Accepted(long batchId, List<Long> jobIds, List<String> names) {
    }

    public Accepted provision(Caller c, String templateName, Request r) {
        String action = "vm.provision";
        String host = r.host() == null || r.host().isBlank() ? "local" : r.host();
        access.requireHost(c, host, action, host + "/" + templateName);
        if (!c.mayChangeVms()) {
            throw refusals.refuse(c, action, host + "/" + templateName, 403, "your roles (" + c.rolesText()
                    + ") do not allow creating VMs");
        }
        Template t = templates.require(c, action, host, templateName);
        String target = host + "/" + t.name;
        int count = ProvisionNames.count(r.count());
        refuseIf(c, action, target, ProvisionNames.countProblem(count));
        String method = ProvisionNames.method(r.method());
        refuseIf(c, action, target, ProvisionNames.methodProblem(method));
        refuseIf(c, action, target, ProvisionNames.patternProblem(r.name(), r.namePattern(), count));
        String pattern = ProvisionNames.pattern(r.name(), r.namePattern());
        List<String> names = ProvisionNames.expand(pattern, count);
        for (String n : names) {
            refusals.requireNewVmName(c, action, host + "/" + n, n);
        }
        List<String> taken = namesTaken(host, names);
        if (!taken.isEmpty()) {
            throw refusals.refuse(c, action, target, 409, "name(s) already taken on " + host + ": " + String.join(", ", taken));
        }
        refuseIf(c, action, target, ProvisionNames.hostnameProblem(r.hostname(), count));
        List<String> hostnames = ProvisionNames.hostnames(r.hostname(), count);
        String sshKey = r.sshKey() == null || r.sshKey().isBlank() ? null : r.sshKey().strip();
        if (sshKey != null && !SealChecks.isSshKey(sshKey)) {
            throw refusals.refuse(c, action, target, 400, "sshKey is not an OpenSSH public key on one line");
        }
        checkQuota(c, action, target, count, t.virtualBytes());

        ProvisionBatch b = new ProvisionBatch();
        b.host = host;
        b.template = t.name;
        b.method = method;
        b.namePattern = pattern;
        b.count = count;
        b.actor = c.name();
        QuarkusTransaction.requiringNew().run(b::persist);
        JobKind kind = method.equals("thin") ? JobKind.PROVISION_THIN : JobKind.PROVISION_CLONE;
        List<JobRequest> requests = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            var payload = new ProvisionPayload(t.name, hostnames.isEmpty() ? null : hostnames.get(i), sshKey,
                    Boolean.TRUE.equals(r.start()));
            requests.add(new JobRequest(kind, host, names.get(i), t.name, payload,
                    method + " clone of " + t.name + " (batch " + b.id + ")", b.id));
        }
        // One transaction for the whole batch: every job is queued, or none.
        List<Long> ids = jobs.enqueueAll(c, requests, () -> checkQuota(c, action, target, count, t.virtualBytes()))
                .stream().map(j -> j.id).toList();
        return new Accepted(b.id, ids, names);
    }

    /** The virtual disk a queued or running job makes: its template's (provisioning) or its source VM's (clone). */
    private long bytesMade(Job j) {
        if (j.kind == JobKind.VM_CLONE) {
            return Vm.find(j.host, j.vm).map(v -> views.disks(v).stream().filter(d -> "disk".equals(d.device()) && !d.chain().isEmpty())
                    .mapToLong(d -> d.chain().get(0).virtualSize()).sum()).orElse(0L);
        }
        return Template.find(j.host, j.target).map(Template::virtualBytes).orElse(0L);
    }

    /** Whether a VM or template has the name on the host (the cache, libvirt, the template table). */
    boolean nameTaken(String host, String n) {
        return !namesTaken(host, List.of(n)).isEmpty();
    }

    /** Beyond this many names, one listing of the host's domains is cheaper than a lookup per name. */
    private static final int LOOKUPS_BEFORE_LISTING = 8;

    /**
     * Those of the names a VM or template has on the host, in the given order: the cache and the
     * template table in one query each, libvirt by a lookup per name or, for a batch, one listing
     * (was three round trips per name).
     */
    List<String> namesTaken(String host, List<String> names) {
        Set<String> known = new java.util.HashSet<>();
        QuarkusTransaction.requiringNew().run(() -> {
            Vm.<Vm>list("host = ?1 and name in ?2", host, names).forEach(v -> known.add(v.name));
            Template.<Template>list("host = ?1 and name in ?2", host, names).forEach(t -> known.add(t.name));
        });
        if (names.size() > LOOKUPS_BEFORE_LISTING) {
            known.addAll(gateway.domainNames(host));
        } else {
            names.stream().filter(n -> !known.contains(n) && gateway.exists(host, n)).forEach(known::add);
        }
        return names.stream().filter(known::contains).toList();
    }

    /** A request refused with 400 when the check found a problem. */
    private void refuseIf(Caller c, String action, String target, String problem) {
        if (problem != null) {
            throw refusals.refuse(c, action, target, 400, problem);
        }
    }

    /** Users' quotas: VMs they own and the virtual disk size over them, from the inventory. */
    private static final Set<JobKind> MAKES_A_VM = EnumSet.of(JobKind.PROVISION_THIN, JobKind.PROVISION_CLONE, JobKind.VM_CLONE);

    /**
     * The caller's quota (users only): VMs owned plus VMs being made, and GiB of virtual disk.
     * Checked when the request arrives and again under the caller's lock in the transaction that
     * queues the jobs, so simultaneous requests cannot both pass.
     */
    void checkQuota(Caller c, String action, String target, int count, long bytesEach) {
        if (!c.has("user") || c.actsOnAllVms()) {
            return;
        }
        AppUser u = QuarkusTransaction.requiringNew().call(() -> AppUser.findByUsername(c.name()).orElse(null));
        if (u == null || (u.maxVms == null && u.maxDiskGib == null)) {
            return;
        }
        List<Vm> owned = QuarkusTransaction.requiringNew().call(() -> Vm.<Vm>list("owner", c.name()));
        // VMs on their way: the caller's queued or running provisioning and clone jobs.
        List<Job> comingJobs = QuarkusTransaction.requiringNew().call(() -> Job.<Job>list("actor = ?1 and kind in ?2 and state in ?3",
                c.name(), MAKES_A_VM, JobState.ACTIVE));
        long coming = comingJobs.size();
        if (u.maxVms != null && owned.size() + coming + count > u.maxVms) {
            throw refusals.refuse(c, action, target, 403, "quota: you own " + owned.size() + " VM(s)"
                    + (coming > 0 ? " and " + coming + " more are being made" : "") + ", asked for " + count
                    + " more, your limit is " + u.maxVms);
        }
        if (u.maxDiskGib != null) {
            long used = 0;
            for (Vm vm : owned) {
                for (DiskInfo d : views.disks(vm)) {
                    if (!d.chain().isEmpty()) {
                        used += d.chain().get(0).virtualSize();
                    }
                }
            }
            // The disks on their way count too: else requests sent while the first ones wait each pass.
            used += QuarkusTransaction.requiringNew().call(() -> comingJobs.stream().mapToLong(this::bytesMade).sum());
            double usedGib = used / (double) GIB;
            double askedGib = count * bytesEach / (double) GIB;
            if (usedGib + askedGib > u.maxDiskGib) {
                throw refusals.refuse(c, action, target, 403, String.format(java.util.Locale.ROOT,
                        "quota: your VMs have %.1f GiB of disk, %d more would add %.1f GiB, your limit is %d GiB",
                        usedGib, count, askedGib, u.maxDiskGib));
            }
        }
    }

    public Job flatten(Caller c, String host, String vmName) {
        String action = JobKind.VM_FLATTEN.action;
        access.forChange(c, host, vmName, action);
        String target = host + "/" + vmName;
        DomainSummary d = gateway.describe(host, vmName);
        if (d.state() != DomainState.SHUT_OFF) {
            throw refusals.refuse(c, action, target, 409, vmName + " is " + d.state().label() + "; shut it down to flatten it");
        }
        if (!domainSnapshots.snapshots(host, vmName).isEmpty()) {
            throw refusals.refuse(c, action, target, 409, vmName + " has snapshots; merge or delete them before flattening")
                    .withKey("flatten_has_snapshots", vmName);
        }
        if (d.disks().stream().noneMatch(x -> x.chain().size() > 1)) {
            throw refusals.refuse(c, action, target, 409, vmName + " has no disk with a backing file: nothing to flatten");
        }
        return jobs.enqueue(c, new JobRequest(JobKind.VM_FLATTEN, host, vmName, null, new JobPayload.None(),
                "copy the backing data into the VM's own disks"));
    }

    public List<Job> batchJobs(Caller c, long batchId) {
        ProvisionBatch b = QuarkusTransaction.requiringNew().call(() -> ProvisionBatch.<ProvisionBatch>findById(batchId));
        if (b == null || !(c.seesAllVms() || c.name().equals(b.actor))) {
            throw refusals.refuse(c, "batch.read", "batch/" + batchId, 404, "no batch " + batchId);
        }
        return QuarkusTransaction.requiringNew().call(() -> Job.<Job>list("batchId = ?1 order by id", batchId));
    }

    public ProvisionBatch batch(long batchId) {
        return QuarkusTransaction.requiringNew().call(() -> ProvisionBatch.<ProvisionBatch>findById(batchId));
    }
}

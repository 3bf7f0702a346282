package io.strata.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.kernel.Caller;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobRequest;
import io.strata.job.JobQueue;
import io.strata.libvirt.DomainSummary;
import io.strata.imagetool.GuestTools;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.vm.Vm;
import io.strata.vm.VmAccess;
import io.strata.vm.VmViews;
import io.strata.kernel.InputRules;
import io.strata.audit.Refusals;
import io.strata.job.JobPayload;
import io.strata.libvirt.DomainState;

/**
 * Template requests: make one from a shut-off VM (operators, admins), list the catalogue, delete
 * one without thin dependents. The jobs do the work; this validates and queues.
 */
@ApplicationScoped
public class TemplateService {

    @Inject
    VmAccess access;
    @Inject
    VmViews views;
    @Inject
    Refusals refusals;
    @Inject
    JobQueue jobs;
    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    GuestTools guestTools;

    /** What a catalogue row shows. */
    public record TemplateView(String host, String name, String sourceVm, List<Template.Disk> disks, long virtualBytes,
                               long bytes, java.time.Instant sealedAt, String operations, String os, String createdBy,
                               List<String> thinDependents) {
    }

    /** A sealed template's hostname unless one is given; each VM gets its own at provisioning. */
    public static final String DEFAULT_HOSTNAME = "localhost";

    public Job create(Caller c, String host, String vmName, List<String> operations, List<String> sshKeys, String hostname) {
        String action = JobKind.TEMPLATE_CREATE.action;
        String target = host + "/" + vmName;
        requireOperator(c, action, target);
        Vm vm = access.forChange(c, host, vmName, action);
        if (vm.template) {
            throw refusals.refuse(c, action, target, 409, vmName + " is already a template");
        }
        String opsProblem = SealChecks.operationsProblem(operations, guestTools::knownOperations);
        if (opsProblem != null) {
            throw refusals.refuse(c, action, target, 400, opsProblem);
        }
        String ops = SealChecks.operationsArgument(operations);
        List<String> keys = sshKeys == null ? List.of() : sshKeys;
        String keysProblem = SealChecks.sshKeysProblem(keys);
        if (keysProblem != null) {
            throw refusals.refuse(c, action, target, 400, keysProblem);
        }
        String host1 = hostname == null || hostname.isBlank() ? DEFAULT_HOSTNAME : hostname;
        String hostnameProblem = SealChecks.hostnameProblem(host1);
        if (hostnameProblem != null) {
            throw refusals.refuse(c, action, target, 400, hostnameProblem);
        }
        String templateName = Template.nameFor(vmName);
        if (templateName.length() > InputRules.MAX_NAME) {
            throw refusals.refuse(c, action, target, 400, "the template name " + templateName + " would be longer than "
                    + InputRules.MAX_NAME + " characters; rename the VM first");
        }
        if (QuarkusTransaction.requiringNew().call(() -> Template.find(host, templateName).isPresent())
                || gateway.exists(host, templateName)) {
            throw refusals.refuse(c, action, target, 409, "a template or VM named " + templateName + " already exists");
        }
        DomainSummary d = gateway.describe(host, vmName);
        String problem = SealChecks.sealProblem(d, !domainSnapshots.snapshots(host, vmName).isEmpty());
        if (problem != null) {
            throw refusals.refuse(c, action, target, 409, problem);
        }
        return jobs.enqueue(c, new JobRequest(JobKind.TEMPLATE_CREATE, host, vmName, templateName,
                new SealPayload(ops, keys.stream().map(String::strip).toList(), host1),
                "virt-sysprep --operations " + ops + (keys.isEmpty() ? "" : " with " + keys.size() + " SSH key(s)")));
    }

    void requireOperator(Caller c, String action, String target) {
        if (!c.actsOnAllVms()) {
            throw refusals.refuse(c, action, target, 403, "only operators and admins manage templates");
        }
    }

    public List<TemplateView> list(Caller c) {
        List<Template> all = QuarkusTransaction.requiringNew().call(() -> Template.<Template>list("order by host, name"));
        // Each VM's chains are read once for all templates, not once per template.
        Map<String, List<String>> chainFilesByVm = chainFiles(QuarkusTransaction.requiringNew().call(() -> Vm.<Vm>listAll()));
        List<TemplateView> out = new ArrayList<>();
        for (Template t : all) {
            out.add(view(t, chainFilesByVm, c.seesAllVms()));
        }
        return out;
    }

    public TemplateView get(Caller c, String host, String name) {
        Template t = require(c, "template.read", host, name);
        return view(t, chainFiles(QuarkusTransaction.requiringNew().call(() -> Vm.<Vm>list("host", host))), c.seesAllVms());
    }

    public Template require(Caller c, String action, String host, String name) {
        refusals.requireName(c, action, host + "/" + name, "template name", name);
        return QuarkusTransaction.requiringNew().call(() -> Template.find(host, name))
                .orElseThrow(() -> refusals.refuse(c, action, host + "/" + name, 404, "no template " + name + " on host " + host));
    }

    /** host/name → every file of the VM's cached disk chains. */
    private Map<String, List<String>> chainFiles(List<Vm> vms) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Vm vm : vms) {
            out.put(vm.host + "/" + vm.name, views.disks(vm).stream().flatMap(d -> d.chain().stream().map(i -> i.file())).toList());
        }
        return out;
    }

    /** Thin dependents from the inventory cache: VMs (host/name → chain files) that read a template image. */
    private TemplateView view(Template t, Map<String, List<String>> chainFilesByVm, boolean namesVisible) {
        List<String> files = t.diskList().stream().map(Template.Disk::file).toList();
        List<String> dependents = new ArrayList<>();
        String prefix = t.host + "/";
        chainFilesByVm.forEach((vm, chain) -> {
            if (vm.startsWith(prefix) && chain.stream().anyMatch(files::contains)) {
                dependents.add(vm.substring(prefix.length()));
            }
        });
        return new TemplateView(t.host, t.name, t.sourceVm, t.diskList(), t.virtualBytes(), t.bytes(), t.sealedAt,
                t.operations, t.os, t.createdBy, namesVisible ? dependents : List.of(dependents.size() + " VM(s)"));
    }

    public Job delete(Caller c, String host, String name) {
        String action = JobKind.TEMPLATE_DELETE.action;
        requireOperator(c, action, host + "/" + name);
        Template t = require(c, action, host, name);
        List<String> dependents = dependentsNow(t);
        if (!dependents.isEmpty()) {
            throw refusals.refuse(c, action, host + "/" + name, 409, "template " + name + " still has thin dependents: "
                    + String.join(", ", dependents) + "; flatten or delete them first");
        }
        return jobs.enqueue(c, new JobRequest(JobKind.TEMPLATE_DELETE, host, name, name, new JobPayload.None(), "remove its images"));
    }

    /** Thin dependents read fresh from the host: every domain whose chain contains a template image. */
    List<String> dependentsNow(Template t) {
        var byFile = gateway.domainsByFile(t.host);
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (Template.Disk d : t.diskList()) {
            out.addAll(byFile.getOrDefault(d.file(), new java.util.TreeSet<>()));
        }
        return List.copyOf(out);
    }
}

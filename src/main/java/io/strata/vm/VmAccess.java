package io.strata.vm;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.kernel.Caller;
import io.strata.host.HostRegistry;
import io.strata.libvirt.LibvirtFailure;
import io.strata.libvirt.LibvirtGateway;
import io.strata.audit.Refusals;
import io.strata.kernel.InputRules;
import io.strata.kernel.Roles;

/**
 * Who may see and act on which VM. A VM the caller may not see does not exist for them (404),
 * and the denial is audited; a VM they may see but not change gives 403.
 */
@ApplicationScoped
public class VmAccess {

    @Inject
    HostRegistry hosts;
    @Inject
    InventorySync sync;
    @Inject
    Refusals refusals;
    @Inject
    HostVmViews hostViews;
    @Inject
    LibvirtGateway gateway;

    public boolean canSee(Caller c, Vm vm) {
        return c.seesAllVms() || (c.has(Roles.USER) && c.name().equals(vm.owner));
    }

    public boolean canChange(Caller c, Vm vm) {
        return c.actsOnAllVms() || (c.has(Roles.USER) && c.name().equals(vm.owner));
    }

    /** The views of the VMs of a host the caller may see (from {@link HostVmViews}, kept while nothing changed). */
    public List<VmView> viewsOn(Caller c, String host) {
        sync.ensureFresh(host);
        List<VmView> all = hostViews.all(host);
        return c.seesAllVms() ? all
                : all.stream().filter(v -> c.has(Roles.USER) && c.name().equals(v.owner())).toList();
    }

    /**
     * The same list as {@link #viewsOn}, as the API's JSON: serialized once per inventory version
     * and audience (all VMs for those who see all, else the caller's own), never shared across users.
     */
    public KeptJson jsonOn(Caller c, String host) {
        sync.ensureFresh(host);
        if (c.seesAllVms()) {
            return hostViews.json(host, "*", all -> all);
        }
        if (!c.has(Roles.USER)) {
            return hostViews.json(host, "-", all -> List.of());
        }
        return hostViews.json(host, "user:" + c.name(),
                all -> all.stream().filter(v -> c.name().equals(v.owner())).toList());
    }

    /** The VM for a read; 404 when the host or VM is unknown or not the caller's. */
    public Vm forReading(Caller c, String host, String name, String action) {
        Vm vm = lookup(c, host, name, action);
        if (!canSee(c, vm)) {
            throw refusals.refuse(c, action, host + "/" + name, 404, notFound(host, name)).withKey("vm_not_found", name, host);
        }
        return vm;
    }

    /** The VM for a change; 404 when not visible, 403 when visible but read-only for the caller. */
    public Vm forChange(Caller c, String host, String name, String action) {
        Vm vm = lookup(c, host, name, action);
        if (!canSee(c, vm)) {
            throw refusals.refuse(c, action, host + "/" + name, 404, notFound(host, name)).withKey("vm_not_found", name, host);
        }
        if (!canChange(c, vm)) {
            throw refusals.refuse(c, action, host + "/" + name, 403,
                    "your roles (" + c.rolesText() + ") allow reading VM " + name + " but not changing it")
                    .withKey("vm_read_only", c.rolesText(), name);
        }
        return vm;
    }

    /** 404 (audited) unless the host is one Strata manages. */
    public void requireHost(Caller c, String host, String action, String target) {
        if (hosts.find(host).isEmpty()) {
            throw refusals.refuse(c, action, target, 404, "no host named " + host).withKey("host_not_found", host);
        }
    }

    private Vm lookup(Caller c, String host, String name, String action) {
        requireHost(c, host, action, host + "/" + name);
        Optional<Vm> cached = QuarkusTransaction.requiringNew().call(() -> Vm.find(host, name));
        if (cached.isPresent()) {
            return cached.get();
        }
        // Perhaps defined since the last sync: ask libvirt before saying no. A caller who sees only
        // their own VMs first gets the domain's owner alone (one XML read): another user's VM or
        // no VM costs them no disk chains, snapshot reads or inventory writes.
        if (InputRules.nameProblem("name", name) == null) {
            if (!c.seesAllVms() && !ownedBy(c, host, name)) {
                throw refusals.refuse(c, action, host + "/" + name, 404, notFound(host, name));
            }
            try {
                Vm fresh = sync.syncVm(host, name);
                if (fresh != null) {
                    return fresh;
                }
            } catch (LibvirtFailure e) {
                if (e.kind() != LibvirtFailure.Kind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        throw refusals.refuse(c, action, host + "/" + name, 404, notFound(host, name)).withKey("vm_not_found", name, host);
    }

    private boolean ownedBy(Caller c, String host, String name) {
        try {
            return c.has(Roles.USER) && c.name().equals(gateway.metadata(host, name).owner());
        } catch (LibvirtFailure e) {
            if (e.kind() == LibvirtFailure.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private static String notFound(String host, String name) {
        return "no VM named " + InputRules.printable(name) + " on host " + host;
    }
}

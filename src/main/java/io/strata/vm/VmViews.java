package io.strata.vm;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.job.Job;
import io.strata.job.JobState;
import io.strata.libvirt.DiskInfo;

/** Turns cache rows into {@link VmView}s. */
@ApplicationScoped
public class VmViews {

    @Inject
    ObjectMapper json;
    @Inject
    jakarta.persistence.EntityManager em;

    @Inject
    GuestAgentStatus guestAgent;
    @Inject
    jakarta.enterprise.inject.Instance<VmHealthSource> healthSource;

    public VmView of(Vm vm) {
        return ofAll(List.of(vm)).get(0);
    }

    /** One VM's view with whether its guest agent answers (a ping, cached briefly). */
    public VmView detail(Vm vm) {
        return withGuestAgent(of(vm));
    }

    /** One VM's view with its health as the caller already knows it (the VM page, from its snapshot tree). */
    public VmView of(Vm vm, String health) {
        return ofAll(List.of(vm), java.util.Map.of(vm.host + "/" + vm.name, health)).get(0);
    }

    /** The view with whether the VM's guest agent answers: may wait for a ping, so never inside a transaction. */
    public VmView withGuestAgent(VmView view) {
        return view.withGuestAgent(guestAgent.answers(view.host(), view.name()));
    }

    /** Views of many VMs with two queries in all (snapshot counts, active jobs), not two per VM; in the caller's transaction if it has one. */
    public List<VmView> ofAll(List<Vm> vms) {
        return ofAll(vms, null);
    }

    /** {@code knownHealth}: each VM's health by "host/vm" when the caller has it; null: asked of the health source. */
    private List<VmView> ofAll(List<Vm> vms, java.util.Map<String, String> knownHealth) {
        if (vms.isEmpty()) {
            return List.of();
        }
        List<Long> ids = vms.stream().map(v -> v.id).toList();
        java.util.Set<String> hosts = vms.stream().map(v -> v.host).collect(java.util.stream.Collectors.toSet());
        java.util.Map<Long, Long> snapshots = new java.util.HashMap<>();
        java.util.Map<String, Long> activeJobs = new java.util.HashMap<>();
        // One VM (its page) is asked with '=': Hibernate translates a query with a list parameter anew at each run.
        boolean one = vms.size() == 1;
        QuarkusTransaction.joiningExisting().run(() -> {
            for (Object[] row : em.createQuery("select s.vmId, count(s) from SnapshotRecord s where s.vmId "
                    + (one ? "= ?1" : "in ?1") + " group by s.vmId", Object[].class)
                    .setParameter(1, one ? ids.get(0) : ids).getResultList()) {
                snapshots.put((Long) row[0], (Long) row[1]);
            }
            List<Job> active = one
                    ? Job.list("host = ?1 and vm = ?2 and state in " + JobState.ACTIVE_HQL, vms.get(0).host, vms.get(0).name)
                    : Job.list("host in ?1 and vm is not null and state in " + JobState.ACTIVE_HQL, hosts);
            for (Job j : active) {
                activeJobs.put(j.host + "/" + j.vm, j.id);
            }
        });
        java.util.Map<String, String> health = knownHealth != null ? knownHealth
                : healthSource.isResolvable() ? healthSource.get().healthOf(vms) : java.util.Map.of();
        return vms.stream().map(vm -> new VmView(vm.host, vm.name, vm.uuid, vm.state, vm.vcpus, vm.memoryKib / 1024,
                vm.owner, vm.template, disks(vm), snapshots.getOrDefault(vm.id, 0L), vm.syncedAt,
                activeJobs.get(vm.host + "/" + vm.name)).withHealth(health.get(vm.host + "/" + vm.name))).toList();
    }

    public List<DiskInfo> disks(Vm vm) {
        try {
            return json.readValue(vm.disksJson, new TypeReference<List<DiskInfo>>() { });
        } catch (Exception e) {
            return List.of();
        }
    }
}

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
import io.strata.snapshot.SnapshotRecord;

/** Turns cache rows into {@link VmView}s. */
@ApplicationScoped
public class VmViews {

    @Inject
    ObjectMapper json;

    public VmView of(Vm vm) {
        return QuarkusTransaction.requiringNew().call(() -> {
            long snaps = SnapshotRecord.count("vmId", vm.id);
            Long active = Job.<Job>find("host = ?1 and vm = ?2 and state in ?3", vm.host, vm.name, JobState.ACTIVE)
                    .firstResultOptional().map(j -> j.id).orElse(null);
            return new VmView(vm.host, vm.name, vm.uuid, vm.state, vm.vcpus, vm.memoryKib / 1024, vm.owner,
                    vm.template, disks(vm), snaps, vm.syncedAt, active);
        });
    }

    public List<DiskInfo> disks(Vm vm) {
        try {
            return json.readValue(vm.disksJson, new TypeReference<List<DiskInfo>>() { });
        } catch (Exception e) {
            return List.of();
        }
    }
}

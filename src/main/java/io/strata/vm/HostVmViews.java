package io.strata.vm;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The views of all VMs of a host, kept while the inventory and the set of active jobs are
 * unchanged: a list of a thousand VMs costs one small query instead of loading and converting a
 * thousand rows. Any node may change the inventory, so the version is read from the database at
 * every use: the VM rows' count and newest sync time (every change of a row goes through the sync,
 * which stamps it) and the active jobs' count and highest id (ids only grow, so any change of the
 * active set changes the pair).
 */
@ApplicationScoped
public class HostVmViews {

    @Inject
    EntityManager em;
    @Inject
    VmViews views;

    private record Cached(String version, List<VmView> views) {
    }

    private final ConcurrentHashMap<String, Cached> byHost = new ConcurrentHashMap<>();

    /** Every VM of the host, by name. */
    public List<VmView> all(String host) {
        String version = version(host);
        Cached c = byHost.get(host);
        if (c != null && c.version().equals(version)) {
            return c.views();
        }
        List<Vm> vms = QuarkusTransaction.requiringNew().call(() -> {
            List<Vm> list = Vm.<Vm>list("host = ?1 order by name", host);
            list.forEach(em::detach);
            return list;
        });
        List<VmView> fresh = List.copyOf(views.ofAll(vms));
        byHost.put(host, new Cached(version, fresh));
        return fresh;
    }

    private String version(String host) {
        return QuarkusTransaction.requiringNew().call(() -> String.valueOf(em.createNativeQuery(
                "SELECT (SELECT count(*) || '/' || coalesce(max(synced_at)::text, '') FROM vm WHERE host = ?1) || '|'"
                        + " || (SELECT count(*) || '/' || coalesce(max(id), 0) FROM job WHERE state IN ('QUEUED', 'RUNNING'))")
                .setParameter(1, host).getSingleResult()));
    }
}

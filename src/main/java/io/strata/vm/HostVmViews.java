package io.strata.vm;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.kernel.Digests;
import io.strata.kernel.SharedRead;

/**
 * The views of all VMs of a host, kept while the inventory and the set of active jobs are
 * unchanged: a list of a thousand VMs costs one small query instead of loading and converting a
 * thousand rows. Any node may change the inventory, so the version is read from the database at
 * every use (one query shared by the requests that arrive while it runs, {@link SharedRead}): the VM rows' count and the sum of their sync times (every change of a row goes through
 * the sync, which stamps it; the newest stamp alone missed a row stamped below it, by a sync whose
 * transaction began earlier or a node whose clock is behind) and the active jobs' count and highest id (ids only grow, so any change of the
 * active set changes the pair). Snapshot health also moves with time and policy, so a kept list
 * is rebuilt after {@link #MAX_AGE} at the latest.
 * <p>
 * Each audience's list (everything, or one user's own VMs) is also kept serialized as the API
 * sends it (plain and gzip-compressed, {@link KeptJson}), in the same entry: it goes when the
 * version changes, and one user's bytes are never looked up under another's key.
 */
@ApplicationScoped
public class HostVmViews {

    static final Duration MAX_AGE = Duration.ofSeconds(60);

    @Inject
    EntityManager em;
    @Inject
    VmViews views;
    @Inject
    ObjectMapper json;

    private record Cached(String version, Instant built, List<VmView> views, Map<String, KeptJson> jsonByAudience) {
    }

    private final ConcurrentHashMap<String, Cached> byHost = new ConcurrentHashMap<>();

    /** Every VM of the host, by name. */
    public List<VmView> all(String host) {
        return current(host).views();
    }

    /**
     * The JSON of the list one audience sees: {@code audience} names who (e.g. "*" for all VMs,
     * or a user's name), {@code filter} picks that audience's VMs from the whole list. Its tag
     * changes with the version and the audience.
     */
    public KeptJson json(String host, String audience, UnaryOperator<List<VmView>> filter) {
        Cached c = current(host);
        return c.jsonByAudience().computeIfAbsent(audience, a -> {
            try {
                return KeptJson.of(json.writeValueAsBytes(filter.apply(c.views())),
                        "\"" + Digests.sha256Hex(host + "\u0000" + c.version() + "\u0000" + c.built() + "\u0000" + a)
                                .substring(0, 32) + "\"");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** One rebuild per host at a time: a thousand VMs' views are built once, not by every request that needs them. */
    private final ConcurrentHashMap<String, ReentrantLock> rebuilds = new ConcurrentHashMap<>();

    private Cached current(String host) {
        String version = version(host);
        Cached c = byHost.get(host);
        if (c != null && c.version().equals(version)) {
            if (fresh(c)) {
                return c;
            }
            // Only aged (health moves with time): while one request rebuilds, the others keep the
            // list they would have got a moment earlier, but never one twice as old (a rebuild
            // that keeps failing fails them too).
            ReentrantLock lock = rebuilds.computeIfAbsent(host, h -> new ReentrantLock());
            if (!lock.tryLock()) {
                if (c.built().plus(MAX_AGE.multipliedBy(2)).isAfter(Instant.now())) {
                    return c;
                }
                lock.lock();
            }
            return rebuildHolding(lock, host, version);
        }
        // Changed: this request waits for a list that holds the change it read.
        ReentrantLock lock = rebuilds.computeIfAbsent(host, h -> new ReentrantLock());
        lock.lock();
        return rebuildHolding(lock, host, version);
    }

    /** With the host's rebuild lock taken (released here): the list another request built meanwhile, else a new one. */
    private Cached rebuildHolding(ReentrantLock lock, String host, String version) {
        try {
            Cached built = byHost.get(host);
            if (built != null && built.version().equals(version) && fresh(built)) {
                return built; // built while this request waited, from rows read after that version
            }
            return rebuild(host, version);
        } finally {
            lock.unlock();
        }
    }

    private static boolean fresh(Cached c) {
        return c.built().plus(MAX_AGE).isAfter(Instant.now());
    }

    private Cached rebuild(String host, String version) {
        List<Vm> vms = QuarkusTransaction.requiringNew().call(() -> {
            List<Vm> list = Vm.<Vm>list("host = ?1 order by name", host);
            list.forEach(em::detach);
            return list;
        });
        Cached fresh = new Cached(version, Instant.now(), List.copyOf(views.ofAll(vms)), new ConcurrentHashMap<>());
        byHost.put(host, fresh);
        return fresh;
    }

    /** Shared by concurrent requests (each still gets a reading taken after it asked). */
    private final SharedRead<String, String> versions = new SharedRead<>(this::readVersion);

    private String version(String host) {
        return versions.get(host);
    }

    private String readVersion(String host) {
        return QuarkusTransaction.requiringNew().call(() -> String.valueOf(em.createNativeQuery(
                "SELECT (SELECT count(*) || '/' || coalesce(sum(extract(epoch FROM synced_at)), 0) FROM vm WHERE host = ?1) || '|'"
                        + " || (SELECT count(*) || '/' || coalesce(max(id), 0) FROM job WHERE state IN ('QUEUED', 'RUNNING'))")
                .setParameter(1, host).getSingleResult()));
    }
}

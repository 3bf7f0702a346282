package io.strata.vm;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.strata.libvirt.LibvirtGateway;

/**
 * Whether a VM's QEMU guest agent answers a ping, remembered for {@link #TTL_MILLIS} per VM on
 * this node. A page never waits longer than {@link #WAIT_MILLIS}: a ping can queue behind another
 * agent call in libvirtd (a quiesced snapshot holds the agent), so a slow one answers with what
 * was known before (false when nothing was) and fills the cache when it ends.
 */
@ApplicationScoped
public class GuestAgentStatus {

    private static final Logger LOG = Logger.getLogger(GuestAgentStatus.class);

    static final long TTL_MILLIS = 10_000;
    static final long WAIT_MILLIS = 2_500;
    /** libvirt's own wait for the agent's answer. */
    static final int PING_TIMEOUT_SECONDS = 2;

    private record Seen(boolean answers, long at) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Boolean>> pending = new ConcurrentHashMap<>();
    private final ExecutorService pinger = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "guest-agent-ping");
        t.setDaemon(true);
        return t;
    });

    @Inject
    LibvirtGateway gateway;

    public boolean answers(String host, String vm) {
        String key = host + "/" + vm;
        Seen s = seen.get(key);
        if (s != null && System.currentTimeMillis() - s.at() < TTL_MILLIS) {
            return s.answers();
        }
        // One ping per VM at a time; a finished one is replaced.
        CompletableFuture<Boolean> ping = pending.compute(key, (k, f) -> f != null && !f.isDone() ? f
                : CompletableFuture.supplyAsync(() -> {
                    boolean ok = ping(host, vm);
                    seen.put(k, new Seen(ok, System.currentTimeMillis()));
                    return ok;
                }, pinger));
        try {
            return ping.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return s != null && s.answers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private boolean ping(String host, String vm) {
        try {
            return gateway.guestAgentPing(host, vm, PING_TIMEOUT_SECONDS);
        } catch (RuntimeException e) {
            // A missing domain or an unreachable host: the agent does not answer either.
            LOG.debugf("guest agent ping of %s on %s: %s", vm, host, e.getMessage());
            return false;
        }
    }

    @PreDestroy
    void stop() {
        pinger.shutdownNow();
    }
}

package io.strata.libvirt;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/**
 * One shared libvirt connection per host (libvirt connections are thread-safe), reopened when
 * libvirtd went away. Reads are retried once on a fresh connection, changes never (libvirt may
 * have acted before the connection broke). Every libvirt error leaves as a {@link LibvirtFailure}.
 * A job that watches work QEMU does on its own (a block job) reads through {@link #readWaiting},
 * which rides out a libvirtd restart: QEMU and its block jobs keep running while libvirtd is away.
 */
@ApplicationScoped
public class LibvirtConnections {

    private static final Logger LOG = Logger.getLogger(LibvirtConnections.class);

    static {
        try {
            // Without a callback libvirt prints every error (including expected "not found") to stderr.
            Connect.setErrorCallback((userData, error) -> { });
        } catch (LibvirtException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            LOG.warn("could not install the libvirt error callback: " + e);
        }
    }

    @Inject
    LibvirtMetrics metrics;

    /** How long a waiting read waits for a host's libvirtd to answer again (a restart takes seconds). */
    @ConfigProperty(name = "strata.libvirt.reconnect-wait", defaultValue = "PT60S")
    Duration reconnectWait = Duration.ofSeconds(60);

    /** Pause between attempts to reach a libvirtd that does not answer. */
    private static final long RECONNECT_PAUSE_MS = 500;

    private final Map<String, String> uris = new ConcurrentHashMap<>();
    private final Map<String, Connect> connections = new ConcurrentHashMap<>();

    /** Makes a host known (the host package owns the list); a changed URI drops the old connection. */
    void register(String host, String uri) {
        String old = uris.put(host, uri);
        if (old != null && !old.equals(uri)) {
            drop(host);
        }
    }

    boolean isKnown(String host) {
        return uris.containsKey(host);
    }

    @FunctionalInterface
    interface LibvirtCall<T> {
        T apply(Connect conn) throws LibvirtException;
    }

    @FunctionalInterface
    interface DomainCall<T> {
        T apply(Domain dom) throws LibvirtException;
    }

    /** A read: retried once on a fresh connection when the old one turned out dead. */
    <T> T read(String host, String what, LibvirtCall<T> call) {
        long t0 = System.nanoTime();
        LibvirtFailure failed = null;
        try {
            return call.apply(connection(host));
        } catch (LibvirtException e) {
            if (isConnectionError(e)) {
                drop(host);
                try {
                    return call.apply(connection(host));
                } catch (LibvirtException again) {
                    throw failed = translate(host, what, again);
                }
            }
            throw failed = translate(host, what, e);
        } catch (LibvirtFailure e) {
            throw failed = e;
        } finally {
            timed(host, t0, failed);
            LOG.debugf("%s: %.1f ms", what, (System.nanoTime() - t0) / 1e6);
        }
    }

    /**
     * A read that, when the host does not answer, reconnects until it does or {@code
     * strata.libvirt.reconnect-wait} has passed: for jobs watching what QEMU keeps doing while
     * libvirtd restarts. Not for pages, which should answer at once.
     */
    <T> T readWaiting(String host, String what, LibvirtCall<T> call) {
        return waitingOut(host, what, () -> read(host, what, call));
    }

    /**
     * Several reads that together decide something (who uses which file), done again from the
     * start when the host stops answering midway, until it answers or the reconnect wait is over.
     */
    <T> T waitingOut(String host, String what, java.util.function.Supplier<T> reads) {
        long deadline = System.nanoTime() + reconnectWait.toNanos();
        for (int attempt = 0; ; attempt++) {
            try {
                T result = reads.get();
                if (attempt > 0) {
                    LOG.infof("%s: host %s answers again", what, host);
                }
                return result;
            } catch (LibvirtFailure e) {
                if (e.kind() != LibvirtFailure.Kind.HOST_UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
                if (attempt == 0) {
                    LOG.warnf("%s: host %s does not answer, trying again for up to %s: %s", what, host, reconnectWait,
                            e.getMessage());
                }
                pause();
            }
        }
    }

    <T> T readDomainWaiting(String host, String vm, String what, DomainCall<T> call) {
        return readWaiting(host, what, conn -> withDomain(conn, vm, call));
    }

    private static void pause() {
        try {
            Thread.sleep(RECONNECT_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LibvirtFailure(LibvirtFailure.Kind.FAILED, "interrupted while waiting for libvirtd");
        }
    }

    /** A change: never retried, since libvirt may have acted before the connection broke. */
    <T> T change(String host, String what, LibvirtCall<T> call) {
        long t0 = System.nanoTime();
        LibvirtFailure failed = null;
        try {
            Connect conn = connection(host);
            try {
                return call.apply(conn);
            } catch (LibvirtException e) {
                if (isConnectionError(e)) {
                    drop(host);
                }
                throw failed = translate(host, what, e);
            }
        } catch (LibvirtFailure e) {
            throw failed = e;
        } finally {
            timed(host, t0, failed);
            LOG.debugf("%s: %.1f ms", what, (System.nanoTime() - t0) / 1e6);
        }
    }

    private void timed(String host, long t0, LibvirtFailure failed) {
        if (metrics != null) {
            // A host name from a request that names no known host must not become a label value.
            metrics.call(uris.containsKey(host) ? host : "unknown", LibvirtMetrics.operation(), System.nanoTime() - t0,
                    failed == null ? null : failed.kind());
        }
    }

    <T> T readDomain(String host, String vm, String what, DomainCall<T> call) {
        return read(host, what, conn -> withDomain(conn, vm, call));
    }

    <T> T changeDomain(String host, String vm, String what, DomainCall<T> call) {
        return change(host, what, conn -> withDomain(conn, vm, call));
    }

    static <T> T withDomain(Connect conn, String vm, DomainCall<T> call) throws LibvirtException {
        Domain dom = conn.domainLookupByName(vm);
        try {
            return call.apply(dom);
        } finally {
            dom.free();
        }
    }

    /** A connection of the caller's own, for a call that may block the shared one; the caller closes it. */
    Connect openOwn(String host, String what) {
        String uri = uris.get(host);
        if (uri == null) {
            throw new LibvirtFailure(LibvirtFailure.Kind.NOT_FOUND, "no host named " + host);
        }
        try {
            return new Connect(uri);
        } catch (LibvirtException e) {
            throw translate(host, what, e);
        }
    }

    private Connect connection(String host) {
        String uri = uris.get(host);
        if (uri == null) {
            throw new LibvirtFailure(LibvirtFailure.Kind.NOT_FOUND, "no host named " + host);
        }
        Connect conn = connections.get(host);
        if (conn != null) {
            try {
                if (conn.isAlive()) {
                    return conn;
                }
            } catch (LibvirtException e) {
                // dead: fall through and reopen
            }
            drop(host);
        }
        synchronized (this) {
            conn = connections.get(host);
            if (conn != null) {
                return conn;
            }
            try {
                conn = new Connect(uri);
            } catch (LibvirtException e) {
                // The URI (it may name an account or a key file) and libvirt's own words go to the
                // log only: the message reaches whoever asked about a VM on this host.
                LOG.warnf("host %s (%s) does not answer: %s", host, uri, e.getError().getMessage());
                throw new LibvirtFailure(LibvirtFailure.Kind.HOST_UNAVAILABLE, "host " + host + " does not answer", e);
            } catch (UnsatisfiedLinkError e) {
                throw new LibvirtFailure(LibvirtFailure.Kind.HOST_UNAVAILABLE,
                        "the libvirt client library is not installed on this machine (libvirt0)", null);
            }
            connections.put(host, conn);
            return conn;
        }
    }

    private void drop(String host) {
        Connect conn = connections.remove(host);
        if (conn != null) {
            try {
                conn.close();
            } catch (LibvirtException e) {
                LOG.debugf("closing a dead connection to %s: %s", host, e.getMessage());
            }
        }
    }

    private static boolean isConnectionError(LibvirtException e) {
        ErrorNumber code = e.getError().getCode();
        return code == ErrorNumber.VIR_ERR_INVALID_CONN || code == ErrorNumber.VIR_ERR_NO_CONNECT
                || code == ErrorNumber.VIR_ERR_RPC || code == ErrorNumber.VIR_ERR_SYSTEM_ERROR
                || (code == ErrorNumber.VIR_ERR_INTERNAL_ERROR && String.valueOf(e.getError().getMessage())
                        .contains("client socket is closed"));
    }

    static LibvirtFailure translate(String host, String what, LibvirtException e) {
        ErrorNumber code = e.getError().getCode();
        String msg = e.getError().getMessage();
        LibvirtFailure.Kind kind = isConnectionError(e) ? LibvirtFailure.Kind.HOST_UNAVAILABLE : switch (code) {
            case VIR_ERR_NO_DOMAIN, VIR_ERR_NO_DOMAIN_SNAPSHOT -> LibvirtFailure.Kind.NOT_FOUND;
            case VIR_ERR_OPERATION_INVALID, VIR_ERR_DOM_EXIST, VIR_ERR_RESOURCE_BUSY,
                    VIR_ERR_BLOCK_COPY_ACTIVE, VIR_ERR_SNAPSHOT_REVERT_RISKY -> LibvirtFailure.Kind.CONFLICT;
            case VIR_ERR_INVALID_CONN, VIR_ERR_NO_CONNECT, VIR_ERR_RPC, VIR_ERR_SYSTEM_ERROR ->
                LibvirtFailure.Kind.HOST_UNAVAILABLE;
            default -> LibvirtFailure.Kind.FAILED;
        };
        return new LibvirtFailure(kind, what + " on host " + host + " failed: " + msg, e);
    }

    @PreDestroy
    void closeAll() {
        for (String host : List.copyOf(connections.keySet())) {
            drop(host);
        }
    }
}

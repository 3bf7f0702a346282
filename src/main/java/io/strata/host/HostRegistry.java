package io.strata.host;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.quarkus.runtime.StartupEvent;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.audit.Refusals;
import io.strata.kernel.Caller;
import io.strata.kernel.Roles;
import io.strata.kernel.SharedRead;
import io.strata.libvirt.LibvirtGateway;

/**
 * The hosts: {@code local} from STRATA_LIBVIRT_URI, more from STRATA_HOSTS ("name=uri,name=uri")
 * or added by an admin. Every known host is registered with the libvirt gateway.
 */
@ApplicationScoped
public class HostRegistry {

    private static final Logger LOG = Logger.getLogger(HostRegistry.class);
    public static final String LOCAL = "local";

    @ConfigProperty(name = "strata.libvirt.uri", defaultValue = "qemu:///system")
    String localUri;
    @ConfigProperty(name = "strata.hosts")
    Optional<List<String>> extraHosts;

    @Inject
    LibvirtGateway gateway;
    @Inject
    AuditLog audit;
    @Inject
    Refusals refusals;

    /** Transports Strata accepts; no query string, since ?command=, ?socket=, ?keyfile= change what runs. */
    static final Pattern ALLOWED_URI = Pattern.compile(
            "(qemu|qemu\\+ssh|qemu\\+tls)://([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]*(:[0-9]{1,5})?/(system|session)|test:///default");

    @Transactional
    void onStart(@Observes @Priority(10) StartupEvent ev) {
        Map<String, String> configured = new LinkedHashMap<>();
        configured.put(LOCAL, localUri);
        for (String entry : extraHosts.orElse(List.of())) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                LOG.warnf("ignoring STRATA_HOSTS entry '%s': expected name=uri", entry);
                continue;
            }
            configured.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        configured.forEach(this::upsert);
        for (Host h : Host.<Host>listAll()) {
            gateway.register(h.name, h.uri);
        }
    }

    /**
     * Adds a host or changes its URI, audited in the same transaction; the gateway learns of it
     * only after the commit.
     */
    public Host add(Caller c, String name, String uri) {
        if (!c.has(Roles.ADMIN)) {
            throw refusals.refuse(c, "host.add", name, 403, "only an admin can add hosts");
        }
        refusals.requireName(c, "host.add", name, "host name", name);
        if (uri == null || !ALLOWED_URI.matcher(uri).matches()) {
            throw refusals.refuse(c, "host.add", name, 400, "uri must be qemu:///system, "
                    + "qemu+ssh://[user@]host[:port]/system, qemu+tls://host/system or test:///default, without a "
                    + "query string (it could name a program to run)");
        }
        Host h = QuarkusTransaction.requiringNew().call(() -> {
            Host saved = store(name, uri);
            audit.record(c, "host.add", name, null, Outcome.SUCCESS, uri);
            return saved;
        });
        gateway.register(name, uri);
        return h;
    }

    /** Adds a host or changes its URI (configuration at start). */
    @Transactional
    public Host upsert(String name, String uri) {
        Host h = store(name, uri);
        gateway.register(name, uri);
        return h;
    }

    private Host store(String name, String uri) {
        Host h = Host.findById(name);
        if (h == null) {
            h = new Host();
            h.name = name;
            h.uri = uri;
            h.persist();
        } else {
            h.uri = uri;
        }
        return h;
    }

    /**
     * Every host, by name, read for each request but shared by the requests that arrive while one
     * read runs ({@link SharedRead}): every list and VM request asks. Detached: for reading only.
     */
    private final SharedRead<Boolean, List<Host>> allHosts = new SharedRead<>(any -> QuarkusTransaction.requiringNew()
            .call(() -> {
                List<Host> list = Host.listAll(Sort.by("name"));
                list.forEach(h -> Host.getEntityManager().detach(h));
                return List.copyOf(list);
            }));

    public List<Host> all() {
        return allHosts.get(Boolean.TRUE);
    }

    public Optional<Host> find(String name) {
        return all().stream().filter(h -> h.name.equals(name)).findFirst();
    }
}

package io.strata.job;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.strata.audit.Refusals;
import io.strata.auth.SessionEpochs;
import io.strata.kernel.Caller;

/**
 * Live pages: server-sent events that carry a job's page fragment each time the job changes.
 * A stream is woken by {@link JobNotices} (LISTEN/NOTIFY, so a change made on any node reaches
 * streams on every node), re-reads its jobs from the database, and sends an event
 * {@code job-<id>} with the fragment only when the fragment differs from the last one sent. When
 * every job it watches is final it sends {@code end} and closes. Wake-ups are coalesced (at most
 * one read per {@link #MIN_GAP_MILLIS}); a slow re-read covers a lost notification, and doubles
 * as a keep-alive so a vanished client is noticed.
 *
 * <p>Bounded: at most {@code strata.live.streams-per-user} open streams per user on this node
 * (more is refused with 429 and audited), and each stream ends after
 * {@code strata.live.max-lifetime}; the browser then reconnects and is authorised again.
 *
 * <p>A stream also ends within {@code strata.live.session-check} once its account's session epoch
 * moves on (logout, password or role change) or the account is disabled or removed, on whichever
 * node that happened: one query per node per check reads the epochs of the accounts with open
 * streams. The browser's reconnect is then refused like any request of an ended session.
 */
@ApplicationScoped
public class JobStreams {

    private static final Logger LOG = Logger.getLogger(JobStreams.class);
    /** Coalescing: a burst of progress notices costs one read per stream per this gap. */
    static final long MIN_GAP_MILLIS = 250;
    /** Jobs in one stream (the VM list's running jobs). */
    public static final int MAX_JOBS = 100;

    @ConfigProperty(name = "strata.live.streams-per-user", defaultValue = "8")
    int perUser;
    @ConfigProperty(name = "strata.live.max-lifetime", defaultValue = "PT15M")
    Duration maxLifetime;
    @ConfigProperty(name = "strata.live.reread-interval", defaultValue = "PT15S")
    Duration reread;
    @ConfigProperty(name = "strata.live.session-check", defaultValue = "PT2S")
    Duration sessionCheck;

    @Inject
    JobQueries queries;
    @Inject
    Refusals refusals;
    @Inject
    SecurityIdentity identity;
    @Inject
    SessionEpochs sessions;

    private final ConcurrentHashMap<Long, Set<Stream>> watching = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> openPerUser = new ConcurrentHashMap<>();
    /** Every open stream of this node, for the session check. */
    private final Set<Stream> allOpen = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean checking = new AtomicBoolean();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "strata-live");
        t.setDaemon(true);
        return t;
    });

    void stop(@Observes ShutdownEvent ev) {
        timer.shutdownNow();
    }

    /** A job changed (a notification from any node): wakes the streams watching it. */
    void changed(long jobId) {
        Set<Stream> s = watching.get(jobId);
        if (s != null) {
            s.forEach(Stream::wake);
        }
    }

    /** Open streams of this user on this node (for tests and the cap). */
    int openFor(String user) {
        AtomicInteger n = openPerUser.get(user);
        return n == null ? 0 : n.get();
    }

    /**
     * The stream of the given jobs, which the caller has already been allowed to read. Counts
     * against the caller's cap at once (refused with 429, audited, when over it); the count is
     * returned when the stream ends, however it ends. {@code render} draws a job's fragment; it
     * runs off the request, so it must capture what it needs from the request (CSRF token, caller).
     */
    public Multi<OutboundSseEvent> open(Caller caller, List<Long> jobIds, Sse sse, Function<Job, String> render) {
        AtomicInteger n = openPerUser.computeIfAbsent(caller.name(), u -> new AtomicInteger());
        if (n.incrementAndGet() > perUser) {
            n.decrementAndGet();
            throw refusals.refuse(caller, "job.stream", jobIds.isEmpty() ? null : "job/" + jobIds.get(0), 429, "at most " + perUser
                    + " live pages at once per user; close one, or reload this page later");
        }
        // The session this request was authenticated in (read here, on the request: the stream runs off it).
        Integer epoch = identity.isAnonymous() ? null : identity.getAttribute(SessionEpochs.ATTRIBUTE);
        if (checking.compareAndSet(false, true)) {
            long every = sessionCheck.toMillis();
            timer.scheduleWithFixedDelay(this::checkSessions, every, every, TimeUnit.MILLISECONDS);
        }
        AtomicBoolean counted = new AtomicBoolean(true);
        return Multi.createFrom().<OutboundSseEvent>emitter(em -> {
            Stream s = new Stream(List.copyOf(jobIds), sse, render, em, caller.name(), epoch);
            em.onTermination(() -> {
                s.close();
                if (counted.getAndSet(false)) {
                    n.decrementAndGet();
                }
            });
            s.start();
        });
    }

    /**
     * Ends the streams whose account's session epoch moved on, or whose account is disabled or gone.
     * A stream without an epoch (an identity not made by Strata's password check) is left to its lifetime.
     */
    void checkSessions() {
        try {
            Set<String> users = new java.util.HashSet<>();
            for (Stream s : allOpen) {
                if (s.epoch != null) {
                    users.add(s.user);
                }
            }
            if (users.isEmpty()) {
                return;
            }
            Map<String, Integer> current = sessions.currentEpochs(users);
            for (Stream s : allOpen) {
                if (s.epoch != null && !s.epoch.equals(current.get(s.user))) {
                    LOG.debugf("live stream of %s ends: its session ended", s.user);
                    s.em.complete(); // without "end": the browser's reconnect meets the login
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("live streams' session check: %s; trying again", e.getMessage());
        }
    }

    /** One open stream: its jobs, the fragments last sent, its timers. */
    private final class Stream {
        private final List<Long> ids;
        private final Sse sse;
        private final Function<Job, String> render;
        private final MultiEmitter<? super OutboundSseEvent> em;
        private final String user;
        private final Integer epoch;
        private final Map<Long, String> sent = new HashMap<>();
        private final AtomicBoolean readPending = new AtomicBoolean();
        private volatile boolean first = true;
        private volatile long lastRead;
        private volatile ScheduledFuture<?> safety;
        private volatile ScheduledFuture<?> lifetime;

        Stream(List<Long> ids, Sse sse, Function<Job, String> render, MultiEmitter<? super OutboundSseEvent> em,
                String user, Integer epoch) {
            this.user = user;
            this.epoch = epoch;
            this.ids = ids;
            this.sse = sse;
            this.render = render;
            this.em = em;
        }

        void start() {
            allOpen.add(this);
            // Watch before the first read, so a change between the two is not missed.
            for (long id : ids) {
                watching.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(this);
            }
            wake();
            long every = reread.toMillis();
            safety = timer.scheduleWithFixedDelay(this::wake, every, every, TimeUnit.MILLISECONDS);
            // Ends without "end": the browser reconnects, and the new request is authorised again.
            lifetime = timer.schedule(em::complete, maxLifetime.toMillis(), TimeUnit.MILLISECONDS);
        }

        void wake() {
            if (em.isCancelled() || !readPending.compareAndSet(false, true)) {
                return;
            }
            long wait = Math.max(0, lastRead + MIN_GAP_MILLIS - System.currentTimeMillis());
            timer.schedule(this::read, wait, TimeUnit.MILLISECONDS);
        }

        private synchronized void read() {
            readPending.set(false);
            lastRead = System.currentTimeMillis();
            if (em.isCancelled()) {
                return;
            }
            try {
                Map<Long, Job> jobs = queries.byIds(ids);
                boolean allFinal = true;
                boolean any = false;
                for (long id : ids) {
                    Job j = jobs.get(id);
                    if (j == null) {
                        continue; // removed with its VM's history: nothing more to show
                    }
                    allFinal &= j.state.isFinished();
                    String html = render.apply(j);
                    if (!html.equals(sent.put(id, html))) {
                        any = true;
                        OutboundSseEvent.Builder b = sse.newEventBuilder().name("job-" + id)
                                .mediaType(MediaType.TEXT_PLAIN_TYPE).data(html);
                        if (first) {
                            b.reconnectDelay(3000); // after a drop, the browser asks again this soon
                            first = false;
                        }
                        em.emit(b.build());
                    }
                }
                if (allFinal) {
                    // Non-empty data: browsers do not dispatch an event whose data is empty.
                    em.emit(sse.newEventBuilder().name("end").data("final").build());
                    em.complete();
                } else if (!any) {
                    // Nothing new: a comment keeps proxies from timing out and finds a vanished client.
                    em.emit(sse.newEventBuilder().comment("unchanged").build());
                }
            } catch (RuntimeException e) {
                LOG.warnf("live stream of jobs %s: %s; trying again at the next re-read", ids, e.getMessage());
            }
        }

        void close() {
            allOpen.remove(this);
            for (long id : ids) {
                watching.computeIfPresent(id, (k, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
            cancel(safety);
            cancel(lifetime);
        }

        private static void cancel(ScheduledFuture<?> f) {
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}

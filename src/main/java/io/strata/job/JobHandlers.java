package io.strata.job;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.StartupEvent;

/**
 * Every {@link JobKind}'s one handler, and the codec of their payloads. The application does not
 * start when a kind has no handler or two (the message names the kind).
 */
@ApplicationScoped
public class JobHandlers {

    @Inject
    @Any
    Instance<JobHandler> beans;
    @Inject
    ObjectMapper json;

    private final Map<JobKind, JobHandler> byKind = new EnumMap<>(JobKind.class);

    @PostConstruct
    void collect() {
        byKind.putAll(index(beans));
    }

    /** Touches the bean at startup so a missing or doubled handler stops the application there. */
    void check(@Observes StartupEvent ev) {
        byKind.size();
    }

    /** The handlers by kind; throws naming each kind without a handler or with more than one. */
    public static Map<JobKind, JobHandler> index(Iterable<? extends JobHandler> handlers) {
        Map<JobKind, List<JobHandler>> found = new EnumMap<>(JobKind.class);
        for (JobHandler h : handlers) {
            found.computeIfAbsent(h.kind(), k -> new ArrayList<>()).add(h);
        }
        List<String> problems = new ArrayList<>();
        Map<JobKind, JobHandler> out = new EnumMap<>(JobKind.class);
        for (JobKind k : JobKind.values()) {
            List<JobHandler> hs = found.getOrDefault(k, List.of());
            if (hs.isEmpty() && k.benchmarkOnly()) {
                continue; // present only in the bench build profile
            } else if (hs.isEmpty()) {
                problems.add("job kind " + k + " has no handler");
            } else if (hs.size() > 1) {
                problems.add("job kind " + k + " has " + hs.size() + " handlers: "
                        + hs.stream().map(h -> h.getClass().getName()).toList());
            } else {
                out.put(k, hs.get(0));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        return out;
    }

    public JobHandler of(JobKind kind) {
        return byKind.get(kind);
    }

    /** The payload as stored: refused unless it is the record the kind's handler declares. */
    String write(JobKind kind, JobPayload payload) {
        if (of(kind) == null) {
            throw new IllegalArgumentException("job kind " + kind + " cannot be queued in this build");
        }
        Class<? extends JobPayload> type = of(kind).payloadType();
        if (!type.isInstance(payload)) {
            throw new IllegalArgumentException(kind + " carries " + type.getSimpleName() + ", not "
                    + (payload == null ? "nothing" : payload.getClass().getSimpleName()));
        }
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The schema version written with every payload of the kind. */
    int version(JobKind kind) {
        return of(kind).payloadVersion();
    }

    /**
     * The payload read back. A payload written by an older release is upgraded by its handler; one
     * from a newer release (a rolled-back upgrade) fails the job rather than guess.
     */
    JobPayload read(Job j) {
        JobHandler h = of(j.kind);
        try {
            JsonNode node = json.readTree(j.payload == null ? "{}" : j.payload);
            if (j.payloadVersion > h.payloadVersion()) {
                throw new JobFailure("job " + j.id + " was queued by a newer release (payload version "
                        + j.payloadVersion + ", this one reads " + h.payloadVersion() + ")");
            }
            if (j.payloadVersion < h.payloadVersion()) {
                node = h.upgradePayload(j.payloadVersion, node);
            }
            return json.treeToValue(node, h.payloadType());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new JobFailure("job " + j.id + " has an unreadable payload: " + e.getMessage(), e);
        }
    }
}

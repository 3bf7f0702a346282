package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** The startup check over tiny fake handlers: every kind exactly one handler, or a message naming the kinds. */
class JobHandlersTest {

    /** A handler that does nothing. */
    record Fake(JobKind kind) implements JobHandler {
        @Override
        public String run(JobContext ctx) {
            return "done";
        }
    }

    /** A second class for a kind, so the message can name both. */
    record Other(JobKind kind) implements JobHandler {
        @Override
        public String run(JobContext ctx) {
            return "done too";
        }
    }

    private static List<JobHandler> oneEach() {
        List<JobHandler> all = new ArrayList<>();
        for (JobKind k : JobKind.values()) {
            all.add(new Fake(k));
        }
        return all;
    }

    @Test
    void oneHandlerPerKind() {
        List<JobHandler> all = oneEach();
        Map<JobKind, JobHandler> byKind = JobHandlers.index(all);
        assertEquals(JobKind.values().length, byKind.size());
        for (JobHandler h : all) {
            assertSame(h, byKind.get(h.kind()));
        }
    }

    @Test
    void orderOfTheBeansDoesNotMatter() {
        List<JobHandler> all = oneEach();
        Collections.reverse(all);
        assertEquals(JobKind.values().length, JobHandlers.index(all).size());
    }

    @Test
    void aKindWithoutHandlerIsNamed() {
        List<JobHandler> all = oneEach();
        all.removeIf(h -> h.kind() == JobKind.SNAPSHOT_MERGE_ALL);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JobHandlers.index(all));
        assertEquals("job kind SNAPSHOT_MERGE_ALL has no handler", e.getMessage());
    }

    @Test
    void aKindWithTwoHandlersIsNamedWithBothClasses() {
        List<JobHandler> all = oneEach();
        all.add(new Other(JobKind.DISK_CHECK));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JobHandlers.index(all));
        assertEquals("job kind DISK_CHECK has 2 handlers: [" + Fake.class.getName() + ", " + Other.class.getName() + "]",
                e.getMessage());
    }

    @Test
    void everyProblemIsNamedInKindOrder() {
        List<JobHandler> all = oneEach();
        all.removeIf(h -> h.kind() == JobKind.INVENTORY_SYNC || h.kind() == JobKind.SNAPSHOT_CREATE);
        all.add(new Fake(JobKind.VM_START));
        all.add(new Fake(JobKind.VM_START));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JobHandlers.index(all));
        String fake = Fake.class.getName();
        assertEquals("job kind SNAPSHOT_CREATE has no handler; job kind VM_START has 3 handlers: [" + fake + ", " + fake
                + ", " + fake + "]; job kind INVENTORY_SYNC has no handler", e.getMessage());
    }

    @Test
    void noHandlersAtAllNamesEveryKind() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JobHandlers.index(List.of()));
        assertEquals(Arrays.stream(JobKind.values()).filter(k -> !k.benchmarkOnly())
                .map(k -> "job kind " + k + " has no handler").toList(), List.of(e.getMessage().split("; ")));
    }

    /** The benchmark's no-op kind has a handler only in the bench build: the production build starts without it. */
    @Test
    void benchmarkKindMayLackAHandler() {
        List<JobHandler> all = oneEach();
        all.removeIf(h -> h.kind().benchmarkOnly());
        Map<JobKind, JobHandler> byKind = JobHandlers.index(all);
        assertEquals(null, byKind.get(JobKind.BENCH_NOOP));
        assertEquals(JobKind.values().length - 1, byKind.size());
    }

    @Test
    void handlerDefaults() {
        JobHandler h = new Fake(JobKind.VM_START);
        assertEquals(JobPayload.None.class, h.payloadType());
        assertEquals(1, h.payloadVersion());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> h.upgradePayload(0, JsonNodeFactory.instance.objectNode()));
        assertEquals("VM_START has no upgrade from payload version 0", e.getMessage());
    }

    @Test
    void kindsHaveDistinctAuditActions() {
        assertEquals(JobKind.values().length, Arrays.stream(JobKind.values()).map(k -> k.action).distinct().count());
        assertEquals("snapshot.merge-all", JobKind.SNAPSHOT_MERGE_ALL.action);
    }
}

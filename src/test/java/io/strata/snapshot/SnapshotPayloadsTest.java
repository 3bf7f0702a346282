package io.strata.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.strata.job.JobPayload;
import io.strata.libvirt.SnapshotKind;

class SnapshotPayloadsTest {

    private static final long MAX = SnapshotService.MAX_BANDWIDTH_MIB;

    private static String refusal(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void createNeedsAKind() {
        assertEquals("snapshot kind missing", refusal(() -> new SnapshotPayloads.Create(null, "d", false, false)));
        SnapshotPayloads.Create c = new SnapshotPayloads.Create(SnapshotKind.EXTERNAL, null, true, true);
        assertEquals(SnapshotKind.EXTERNAL, c.kind());
        assertInstanceOf(JobPayload.class, c);
    }

    @Test
    void revertNeedsAKind() {
        assertEquals("snapshot kind missing", refusal(() -> new SnapshotPayloads.Revert(null, true)));
        assertEquals(SnapshotKind.INTERNAL, new SnapshotPayloads.Revert(SnapshotKind.INTERNAL, false).kind());
    }

    @Test
    void aRevertPayloadStoredBeforeShutdownExistedStillReads() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var old = json.readValue("{\"kind\":\"EXTERNAL\",\"start\":true}", SnapshotPayloads.Revert.class);
        assertEquals(new SnapshotPayloads.Revert(SnapshotKind.EXTERNAL, true, false, false, null), old);
        assertEquals(120, old.timeout());
        var now = new SnapshotPayloads.Revert(SnapshotKind.INTERNAL, true, true, true, 30);
        assertEquals(now, json.readValue(json.writeValueAsString(now), SnapshotPayloads.Revert.class));
        assertEquals("timeoutSeconds must be 1..3600",
                refusal(() -> new SnapshotPayloads.Revert(SnapshotKind.INTERNAL, true, true, false, 0)));
    }

    @Test
    void deleteNeedsAKindThenABandwidthInRange() {
        assertEquals("snapshot kind missing", refusal(() -> new SnapshotPayloads.Delete(null, 0L)));
        assertEquals("bandwidth 0 MiB/s out of range", refusal(() -> new SnapshotPayloads.Delete(SnapshotKind.EXTERNAL, 0L)));
        assertEquals("bandwidth -5 MiB/s out of range", refusal(() -> new SnapshotPayloads.Delete(SnapshotKind.EXTERNAL, -5L)));
        assertEquals("bandwidth " + (MAX + 1) + " MiB/s out of range",
                refusal(() -> new SnapshotPayloads.Delete(SnapshotKind.EXTERNAL, MAX + 1)));
        assertEquals(1, new SnapshotPayloads.Delete(SnapshotKind.EXTERNAL, 1L).bandwidth());
        assertEquals(MAX, new SnapshotPayloads.Delete(SnapshotKind.INTERNAL, MAX).bandwidth());
    }

    @Test
    void noBandwidthMeansNoLimit() {
        assertEquals(0, new SnapshotPayloads.Delete(SnapshotKind.EXTERNAL, null).bandwidth());
        assertEquals(0, new SnapshotPayloads.MergeAll(null).bandwidth());
    }

    @Test
    void mergeAllBandwidthInRange() {
        assertEquals("bandwidth 0 MiB/s out of range", refusal(() -> new SnapshotPayloads.MergeAll(0L)));
        assertEquals("bandwidth " + Long.MAX_VALUE + " MiB/s out of range", refusal(() -> new SnapshotPayloads.MergeAll(Long.MAX_VALUE)));
        assertEquals(50, new SnapshotPayloads.MergeAll(50L).bandwidth());
        SnapshotPayloads.Merging m = new SnapshotPayloads.MergeAll(MAX);
        assertEquals(MAX, m.bandwidth());
    }

    @Test
    void recordsCompareByValue() {
        assertEquals(new SnapshotPayloads.MergeAll(10L), new SnapshotPayloads.MergeAll(10L));
        assertEquals(new SnapshotPayloads.Create(SnapshotKind.INTERNAL, "x", false, true),
                new SnapshotPayloads.Create(SnapshotKind.INTERNAL, "x", false, true));
    }
}

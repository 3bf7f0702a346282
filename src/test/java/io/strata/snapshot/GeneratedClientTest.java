package io.strata.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.strata.client.ApiClient;
import io.strata.client.ApiException;
import io.strata.client.api.JobsApi;
import io.strata.client.api.SnapshotsApi;
import io.strata.client.model.ApiError;
import io.strata.client.model.JobAccepted;
import io.strata.client.model.JobView;
import io.strata.client.model.NewSnapshot;
import io.strata.client.model.SnapshotNode;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.VmBuilder;

/**
 * The API contract used as a client generator uses it (issue 14): the Java client generated at
 * build time from src/main/openapi/strata-openapi.yaml (which OpenApiContractTest keeps equal to the
 * live /q/openapi) creates a snapshot, follows the job, and reverts, on a real VM of the real
 * libvirtd; the disk and virsh say it happened. A refusal comes back as the documented ApiError.
 */
@QuarkusTest
class GeneratedClientTest {

    @TestHTTPResource("/")
    URL root;

    /** The generated client as a user configures it: the server, HTTP Basic, and JSON on every change. */
    private ApiClient client(String user) {
        ApiClient c = new ApiClient();
        c.updateBaseUri(root.toString().replaceAll("/$", ""));
        String basic = Base64.getEncoder().encodeToString((user + ":" + Api.passwordOf(user)).getBytes(StandardCharsets.UTF_8));
        c.setRequestInterceptor(b -> b.setHeader("Authorization", "Basic " + basic)
                .setHeader("Content-Type", "application/json"));
        return c;
    }

    private static JobView awaitEnd(JobsApi jobs, long id) throws ApiException {
        for (int i = 0; i < 20; i++) {
            JobView j = jobs.getJob(id, 30);
            if (!j.getState().equals("QUEUED") && !j.getState().equals("RUNNING")) {
                return j;
            }
        }
        throw new AssertionError("job " + id + " did not end in 10 minutes");
    }

    @Test
    void createWaitAndRevertWithTheGeneratedClient() throws Exception {
        String alice = Api.newUser("alice", "user");
        String vm = VmBuilder.defineVm("client", alice);
        Path disk = VmBuilder.diskOf(vm);
        ApiClient client = client(alice);
        SnapshotsApi snapshots = new SnapshotsApi(client);
        JobsApi jobs = new JobsApi(client);

        JobAccepted created = snapshots.createSnapshot("local", vm,
                new NewSnapshot().name("before-change").description("by the generated client").kind("internal"));
        assertEquals("QUEUED", created.getState());
        JobView done = awaitEnd(jobs, created.getJobId());
        assertEquals("SUCCEEDED", done.getState(), done.getError());
        assertEquals(List.of("before-change"), DiskProbes.snapshotNames(vm), "virsh snapshot-list");
        List<SnapshotNode> tree = snapshots.getSnapshotTree("local", vm);
        assertEquals("before-change", tree.get(0).getName());

        DiskProbes.writePattern(disk, 0xab, "0", "64k");
        assertTrue(DiskProbes.hasPattern(disk, 0xab, "0", "64k"));

        JobAccepted reverted = snapshots.revertSnapshot("local", vm, "before-change", Map.of("start", false));
        JobView revert = awaitEnd(jobs, reverted.getJobId());
        assertEquals("SUCCEEDED", revert.getState(), revert.getError());
        assertEquals("shut off", DiskProbes.state(vm));
        assertFalse(DiskProbes.hasPattern(disk, 0xab, "0", "64k"), "data written after the snapshot is gone");
        assertTrue(DiskProbes.hasPattern(disk, 0x00, "0", "64k"), "the snapshot's (blank) data is back");

        // A refusal is the documented 409 with an ApiError body.
        ApiException again = assertThrows(ApiException.class, () -> snapshots.createSnapshot("local", vm,
                new NewSnapshot().name("before-change").kind("internal")));
        assertEquals(409, again.getCode());
        ApiError error = client.getObjectMapper().readValue(again.getResponseBody(), ApiError.class);
        assertEquals(409, error.getStatus());
        assertTrue(error.getMessage().contains("already has a snapshot named before-change"), error.getMessage());
    }
}

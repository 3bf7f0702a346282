package io.strata.job;

import static io.strata.support.Api.as;
import static io.strata.support.Api.vmPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.strata.support.Api;
import io.strata.support.TestDatabase;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.VmBuilder;

/** At most one active job per VM, enforced by the database; cancel of queued jobs. */
@QuarkusTest
class OneJobPerVmTest {

    /** This class's own accounts, new for each test. */
    String dora;

    @BeforeEach
    void users() {
        dora = Api.newUser("dora", "user");
    }

    @Test
    void twoSnapshotRequestsAtOnceNeverRunTogether() throws Exception {
        String vm = VmBuilder.defineVm("race", dora);
        LibvirtHost.virsh("start", vm);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        for (String name : List.of("r1", "r2")) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return as(dora).body(Map.of("name", name)).post(vmPath(vm) + "/snapshots");
            }, pool));
        }
        go.countDown();
        List<Response> responses = new ArrayList<>();
        for (var c : calls) {
            responses.add(c.get());
        }
        pool.shutdown();
        List<Integer> statuses = responses.stream().map(Response::statusCode).sorted().toList();
        assertTrue(statuses.equals(List.of(202, 202)) || statuses.equals(List.of(202, 409)), "statuses " + statuses);

        List<JsonPath> jobs = new ArrayList<>();
        for (Response r : responses) {
            if (r.statusCode() == 202) {
                jobs.add(Api.awaitSuccess(dora, r.jsonPath().getLong("jobId")));
            } else {
                assertTrue(r.jsonPath().getString("message").contains("already has an active job"));
            }
        }
        if (jobs.size() == 2) {
            // Both accepted: then they ran one after the other, never overlapping.
            jobs.sort((a, b) -> Instant.parse(a.getString("startedAt")).compareTo(Instant.parse(b.getString("startedAt"))));
            assertFalse(Instant.parse(jobs.get(0).getString("finishedAt"))
                    .isAfter(Instant.parse(jobs.get(1).getString("startedAt"))), "jobs overlapped");
        }
        assertEquals(jobs.size(), DiskProbes.snapshotNames(vm).size());
    }

    @Test
    void theDatabaseRefusesASecondActiveJobForTheSameVm() throws Exception {
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO job(kind, state, host, vm, actor) VALUES ('SNAPSHOT_CREATE', 'QUEUED', 'nohost', 'v1', 't')");
            SQLException e = assertThrows(SQLException.class, () -> s.execute(
                    "INSERT INTO job(kind, state, host, vm, actor) VALUES ('SNAPSHOT_CREATE', 'QUEUED', 'nohost', 'v1', 't')"));
            assertTrue(e.getMessage().contains("job_one_active_per_vm"), e.getMessage());
            c.rollback();
        }
    }

    @Test
    void theDatabaseRefusesATransitionOutsideTheStateMachine() throws Exception {
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            SQLException born = assertThrows(SQLException.class, () -> s.execute(
                    "INSERT INTO job(kind, state, host, vm, actor) VALUES ('SNAPSHOT_CREATE', 'SUCCEEDED', 'nohost', 'v2', 't')"));
            assertTrue(born.getMessage().contains("must start QUEUED"), born.getMessage());
            c.rollback();
            s.execute("INSERT INTO job(kind, state, host, vm, actor, cancel_requested) "
                    + "VALUES ('SNAPSHOT_CREATE', 'QUEUED', 'nohost', 'v2', 't', true)");
            s.execute("UPDATE job SET state = 'CANCELLED' WHERE vm = 'v2' AND host = 'nohost'");
            SQLException back = assertThrows(SQLException.class, () -> s.execute(
                    "UPDATE job SET state = 'RUNNING' WHERE vm = 'v2' AND host = 'nohost'"));
            assertTrue(back.getMessage().contains("CANCELLED -> RUNNING is not a transition"), back.getMessage());
            c.rollback();
        }
    }

    @Test
    void aQueuedJobCanBeCancelledAndNeverRuns() throws Exception {
        String vm = VmBuilder.defineVm("cancel", dora);
        as(dora).get(vmPath(vm)).then().statusCode(200); // in the inventory, as any VM with a job is
        // A queued job that no worker will pick up yet (claims skip rows whose cancel flag is set),
        // so the cancel below meets it in QUEUED, as a cancel of a job waiting behind others would.
        long jobId = TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, target, actor, cancel_requested) "
                + "VALUES ('SNAPSHOT_CREATE', 'QUEUED', 'local', ?, 'never', ?, true) RETURNING id", vm, dora);
        as(dora).post("/api/jobs/" + jobId + "/cancel").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.is("CANCELLED"));
        as(dora).post("/api/jobs/" + jobId + "/cancel").then().statusCode(409);
        assertEquals(List.of(), DiskProbes.snapshotNames(vm));
        String eve = Api.newUser("eve", "user");
        as(eve).post("/api/jobs/" + jobId + "/cancel").then().statusCode(404);
    }
}

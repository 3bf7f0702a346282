package io.strata.imagetool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import io.strata.support.Processes;

/**
 * A child of the app (qemu-img commit, virt-sysprep...) must not outlive it: a restarted app
 * reconciles the job and must not find a process still writing into the image.
 */
class ChildrenDieWithAppTest {

    @Test
    void aChildGetsKilledWhenTheAppIsKilled() throws Exception {
        String marker = "599." + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process app = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ChildHolder.class.getName(), marker).inheritIO().start();
        try {
            assertTrue(waitFor(() -> running(marker), Duration.ofSeconds(30)), "the child started");
            Processes.run("kill", "-KILL", Long.toString(app.pid()));
            app.waitFor();
            assertTrue(waitFor(() -> !running(marker), Duration.ofSeconds(10)),
                    "the child 'sleep " + marker + "' still runs after the app got SIGKILL");
        } finally {
            app.destroyForcibly();
            Processes.run("pkill", "-KILL", "-f", "sleep " + marker);
        }
    }

    @Test
    void shortCommandsRunUnderLimitsAndAllCommandsAreTied() {
        List<String> argv = ProcessRunner.tiedToApp(ProcessRunner.limited(List.of("qemu-img", "info", "x"), 60));
        assertEquals(List.of("setpriv", "--pdeathsig", "KILL", "--", "prlimit", "--as=" + (2L << 30), "--cpu=60", "--",
                "qemu-img", "info", "x"), argv);
        ProcessRunner.Result r = new ProcessRunner().exec(List.of("sh", "-c", "ulimit -v"), 10);
        assertEquals(Long.toString((2L << 30) / 1024), r.out().strip(), "address space limit in KiB as the child sees it");
    }

    private static boolean running(String marker) {
        return Processes.run("pgrep", "-f", "sleep " + marker).exit() == 0;
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}

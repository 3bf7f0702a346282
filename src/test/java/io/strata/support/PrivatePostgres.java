package io.strata.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL cluster of a test's own (initdb as the postgres account into a temporary
 * directory, on 127.0.0.1:{@link #PORT}), so that the test may restart it while other tests use
 * the machine's. Local connections are trusted: it holds nothing but throwaway test databases.
 * {@link TestDatabase} uses it when the JVM runs with
 * {@code STRATA_TEST_PG=jdbc:postgresql://127.0.0.1:55432/ STRATA_TEST_PG_USER=postgres}
 * ({@code ./strata faults … postgres-restart} sets that).
 */
public final class PrivatePostgres implements AutoCloseable {

    public static final int PORT = 55432;
    public static final String SERVER = "jdbc:postgresql://127.0.0.1:" + PORT + "/";

    private final int port;
    private final Path dir;
    private final Path data;

    public PrivatePostgres() {
        this(PORT);
    }

    /** A cluster on another port: a test of its own, which may run while the fault suite uses {@link #PORT}. */
    public PrivatePostgres(int port) {
        this.port = port;
        try {
            dir = Files.createTempDirectory("strata-pg-");
            data = dir.resolve("data");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Processes.ok("chown", "postgres:postgres", dir.toString());
        asPostgres("initdb", "-D", data.toString(), "-A", "trust", "-U", "postgres", "--no-sync");
    }

    /** Its JDBC URL without a database name. */
    public String server() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/";
    }

    /** Whether this JVM's test databases live on the private cluster (see the class comment). */
    public static boolean inUse() {
        return TestDatabase.SERVER.equals(SERVER);
    }

    public PrivatePostgres start() {
        asPostgres("pg_ctl", "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "120", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off", "start");
        return this;
    }

    /** An immediate stop (as a crash: no checkpoint, clients cut off), then a start with crash recovery. */
    public void restart(Duration down) {
        asPostgres("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
        try {
            Thread.sleep(down.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        start();
    }

    @Override
    public void close() {
        Processes.run(List.of("runuser", "-u", "postgres", "--", "pg_ctl", "-D", data.toString(), "-m", "immediate",
                "-w", "stop"));
        Processes.run("rm", "-rf", dir.toString());
    }

    private static void asPostgres(String... argv) {
        List<String> cmd = new java.util.ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        cmd.addAll(List.of(argv));
        Processes.ok(cmd, Map.of(), Duration.ofMinutes(3));
    }
}

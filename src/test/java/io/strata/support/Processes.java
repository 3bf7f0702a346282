package io.strata.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command of the test machine (an argv list, never a shell line) to its end. */
public final class Processes {

    /** How long a command may take unless the caller says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    /** A finished child process. */
    public record Result(int exit, String out, String err) {
    }

    private Processes() {
    }

    public static Result run(String... argv) {
        return run(List.of(argv));
    }

    public static Result run(List<String> argv) {
        return run(argv, Map.of(), DEFAULT_TIMEOUT);
    }

    /** Runs argv with extra environment variables; stdin is closed, stdout and stderr are read whole. */
    public static Result run(List<String> argv, Map<String, String> env, Duration timeout) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = readAll(p.getInputStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " timed out after " + timeout);
            }
            return new Result(p.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs argv and returns its stdout; a non-zero exit fails the test with stderr and stdout. */
    public static String ok(String... argv) {
        return ok(List.of(argv), Map.of(), DEFAULT_TIMEOUT);
    }

    public static String ok(List<String> argv) {
        return ok(argv, Map.of(), DEFAULT_TIMEOUT);
    }

    public static String ok(List<String> argv, Map<String, String> env, Duration timeout) {
        Result r = run(argv, env, timeout);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", argv) + " exited " + r.exit() + ": " + r.err() + r.out());
        }
        return r.out();
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}

package io.strata.imagetool;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.strata.kernel.Cancelled;

/**
 * The one place that starts processes (qemu-img, libguestfs, cp): always an argv list, never a
 * shell string, always with a timeout, standard input closed. Every child is started through
 * {@code setpriv --pdeathsig KILL}, so it dies with the app instead of writing on into an image
 * that a restarted app is reconciling; short commands also run under {@code prlimit} (address
 * space and CPU time), because they read images a guest or a user may have crafted.
 */
@ApplicationScoped
public class ProcessRunner {

    private static final Logger LOG = Logger.getLogger(ProcessRunner.class);

    /** For short commands (qemu-img info, create, rebase -u). */
    public static final long TIMEOUT_SECONDS = 60;

    /** Address space a short command may use: qemu-img info/check of a hostile header stays bounded. */
    static final long SHORT_COMMAND_ADDRESS_SPACE = 2L << 30;

    /** A finished command: exit code and its whole output. */
    public record Result(int exit, String out, String err) {
    }

    /** Runs a short command to its end; the caller judges the exit code. */
    public Result exec(List<String> argv, long timeoutSeconds) {
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(tiedToApp(limited(argv, timeoutSeconds))).start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> err = drain(p);
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ImageToolException(argv.get(0) + " " + argv.get(1) + " did not finish in " + timeoutSeconds + " s");
            }
            Result r = new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
            LOG.debugf("%s %s: %.1f ms", argv.get(0), argv.get(1), (System.nanoTime() - t0) / 1e6);
            return r;
        } catch (IOException e) {
            throw new ImageToolException("could not run " + argv.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageToolException(argv.get(0) + " interrupted");
        }
    }

    /** A short command that must succeed: its standard output, or its error output as the failure. */
    public String run(List<String> argv) {
        Result r = exec(argv, TIMEOUT_SECONDS);
        if (r.exit() != 0) {
            throw new ImageToolException(r.err().strip());
        }
        return r.out();
    }

    /**
     * The one runner for long commands (qemu-img with progress, virt-sysprep, virt-customize):
     * each piece of standard output ended by CR or LF goes to {@code lines}; the process is
     * stopped when {@code cancelled} turns true ({@link Cancelled}) or the timeout passes; a
     * non-zero exit throws with the command's error output.
     */
    public void stream(List<String> argv, Map<String, String> env, Consumer<String> lines,
            BooleanSupplier cancelled, long timeoutSeconds) {
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(tiedToApp(argv));
            pb.environment().putAll(env);
            p = pb.start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new ImageToolException("could not run " + argv.get(0) + ": " + e.getMessage());
        }
        CompletableFuture<byte[]> err = drain(p);
        Thread reader = new Thread(() -> splitLines(p, lines), argv.get(0) + "-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
                boolean stop = cancelled.getAsBoolean();
                if (stop || System.nanoTime() > deadline) {
                    p.destroy();
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        p.waitFor();
                    }
                    throw stop ? new Cancelled()
                            : new ImageToolException(argv.get(0) + " did not finish in " + timeoutSeconds + " s");
                }
            }
            reader.join(2000);
            if (p.exitValue() != 0) {
                throw new ImageToolException(String.join(" ", argv.subList(0, Math.min(2, argv.size()))) + " failed: "
                        + new String(err.join(), StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ImageToolException(argv.get(0) + " interrupted");
        }
    }

    /**
     * The child gets SIGKILL when the thread that started it ends, and so when the app dies (even
     * by SIGKILL). The starting thread always waits for the child, so it never ends first.
     */
    static List<String> tiedToApp(List<String> argv) {
        List<String> tied = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--"));
        tied.addAll(argv);
        return tied;
    }

    /** Bounds a short command's memory and CPU time (its CPU seconds never exceed its wall-clock timeout). */
    static List<String> limited(List<String> argv, long timeoutSeconds) {
        List<String> limited = new ArrayList<>(List.of("prlimit", "--as=" + SHORT_COMMAND_ADDRESS_SPACE,
                "--cpu=" + timeoutSeconds, "--"));
        limited.addAll(argv);
        return limited;
    }

    /** Reads standard error on the side, so a chatty command never blocks on a full pipe. */
    private static CompletableFuture<byte[]> drain(Process p) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
    }

    /** CR ends a piece too: qemu-img and libguestfs redraw their progress with it. */
    private static void splitLines(Process p, Consumer<String> lines) {
        StringBuilder chunk = new StringBuilder();
        try (var in = new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)) {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\r' || c == '\n') {
                    if (chunk.length() > 0) {
                        lines.accept(chunk.toString());
                    }
                    chunk.setLength(0);
                } else {
                    chunk.append((char) c);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}

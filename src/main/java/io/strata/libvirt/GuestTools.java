package io.strata.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * virt-sysprep and virt-customize (libguestfs), run as child processes with argv lists. They
 * boot a small appliance VM; {@code strata.libguestfs.backend-settings} (default
 * {@code force_tcg}, since KVM is not usable on every host) is passed through.
 */
@ApplicationScoped
public class GuestTools {

    /** A disk image and the format the domain declares for it. */
    public record Image(String file, String format) {
    }

    @ConfigProperty(name = "strata.libguestfs.backend-settings", defaultValue = "force_tcg")
    String backendSettings;

    private volatile Set<String> operations;

    /** The operations this virt-sysprep knows (its --list-operations), for validating requests. */
    public Set<String> knownOperations() {
        Set<String> ops = operations;
        if (ops == null) {
            ops = new TreeSet<>();
            for (String line : run(List.of("virt-sysprep", "--list-operations"), line -> { }, () -> false, 60).split("\n")) {
                String name = line.strip().split("\\s+")[0];
                if (!name.isEmpty()) {
                    ops.add(name);
                }
            }
            operations = ops;
        }
        return ops;
    }

    /**
     * Runs virt-sysprep on the images (all disks of one guest at once) with the given
     * {@code --operations} list, the template's hostname and optional SSH keys for root; each output line goes to
     * {@code lines} (virt-sysprep prints "[  12.3] Performing "machine-id" ..." per step).
     */
    public void sysprep(List<Image> images, String operations, String hostname, List<String> sshKeys,
            Consumer<String> lines, BooleanSupplier cancelled) {
        List<String> argv = new ArrayList<>(List.of("virt-sysprep"));
        for (Image i : images) {
            argv.addAll(List.of("--format", i.format(), "-a", i.file()));
        }
        argv.addAll(List.of("--operations", operations));
        if (hostname != null) {
            argv.addAll(List.of("--hostname", hostname));
        }
        for (String key : sshKeys) {
            argv.addAll(List.of("--ssh-inject", "root:string:" + key));
        }
        run(argv, lines, cancelled, 1800);
    }

    /** Per-VM customisation of a new VM's first disk: hostname and an SSH key for root. */
    public void customize(Image image, String hostname, String sshKey, Consumer<String> lines) {
        List<String> argv = new ArrayList<>(List.of("virt-customize", "--format", image.format(), "-a", image.file()));
        if (hostname != null) {
            argv.addAll(List.of("--hostname", hostname));
        }
        if (sshKey != null) {
            argv.addAll(List.of("--ssh-inject", "root:string:" + sshKey));
        }
        run(argv, lines, () -> false, 1800);
    }

    /** Runs the command, streaming its merged output lines; returns the output. */
    private String run(List<String> argv, Consumer<String> lines, BooleanSupplier cancelled, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("LIBGUESTFS_BACKEND", "direct");
        if (!backendSettings.isBlank()) {
            pb.environment().put("LIBGUESTFS_BACKEND_SETTINGS", backendSettings);
        }
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new ImageToolException("could not run " + argv.get(0) + " (is libguestfs-tools installed?): " + e.getMessage());
        }
        StringBuilder all = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (all) {
                        all.append(line).append('\n');
                    }
                    lines.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, argv.get(0) + "-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (cancelled.getAsBoolean() || System.nanoTime() > deadline) {
                    p.destroy();
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                    throw cancelled.getAsBoolean() ? new ImageTool.Cancelled()
                            : new ImageToolException(argv.get(0) + " did not finish in " + timeoutSeconds + " s");
                }
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ImageToolException(argv.get(0) + " interrupted");
        }
        String out;
        synchronized (all) {
            out = all.toString();
        }
        if (p.exitValue() != 0) {
            String tail = out.strip();
            int cut = tail.lastIndexOf(argv.get(0) + ": error:");
            throw new ImageToolException(argv.get(0) + " failed: " + (cut >= 0 ? tail.substring(cut) : tail)
                    .lines().findFirst().orElse("exit " + p.exitValue()));
        }
        return out;
    }
}

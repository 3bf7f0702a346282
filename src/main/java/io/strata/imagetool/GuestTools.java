package io.strata.imagetool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

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

    @Inject
    ProcessRunner processes;

    @ConfigProperty(name = "strata.libguestfs.backend-settings", defaultValue = "force_tcg")
    String backendSettings;

    private volatile Set<String> operations;

    /** The operations this virt-sysprep knows (its --list-operations), for validating requests. */
    public Set<String> knownOperations() {
        Set<String> ops = operations;
        if (ops == null) {
            ops = new TreeSet<>();
            Set<String> found = ops;
            run(List.of("virt-sysprep", "--list-operations"), line -> {
                String name = line.strip().split("\\s+")[0];
                if (!name.isEmpty()) {
                    found.add(name);
                }
            }, () -> false, 60);
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

    /** Runs a libguestfs tool through the process runner, with the appliance settings. */
    private void run(List<String> argv, Consumer<String> lines, BooleanSupplier cancelled, long timeoutSeconds) {
        Map<String, String> env = new HashMap<>(Map.of("LIBGUESTFS_BACKEND", "direct"));
        if (!backendSettings.isBlank()) {
            env.put("LIBGUESTFS_BACKEND_SETTINGS", backendSettings);
        }
        processes.stream(argv, env, lines, cancelled, timeoutSeconds);
    }
}

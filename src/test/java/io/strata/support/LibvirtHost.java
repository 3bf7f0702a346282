package io.strata.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real libvirtd of this machine (qemu:///system) for one test run: domains the run defines are
 * named {@code st-<run>-…} and their files kept under /var/lib/libvirt/images/strata-test-<run>/
 * (reachable by the libvirt-qemu user). Everything the run created is destroyed, undefined and
 * deleted at the end. As a Quarkus test resource it points the app at this libvirtd.
 */
public class LibvirtHost implements QuarkusTestResourceLifecycleManager {

    public static final String URI = "qemu:///system";
    public static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    public static final String PREFIX = "st-" + RUN + "-";
    public static final Path DIR = Path.of("/var/lib/libvirt/images/strata-test-" + RUN);

    /** Where {@link #virsh} goes: the machine's libvirtd, or a test's private one ({@link #useUri}). */
    private static volatile String target = URI;

    /**
     * Points {@link #virsh} and {@link #tryVirsh} at another libvirtd (the fault suite's
     * {@link PrivateLibvirtd}, which it kills); null points them back at the machine's.
     */
    public static void useUri(String uri) {
        target = uri == null ? URI : uri;
    }

    @Override
    public Map<String, String> start() {
        Processes.Result r = Processes.run("virsh", "-c", URI, "version");
        if (r.exit() != 0) {
            throw new IllegalStateException("libvirtd does not answer on " + URI
                    + " (run scripts/host-setup.sh, or ./strata test which does): " + r.err());
        }
        createDir();
        return Map.of("strata.libvirt.uri", URI);
    }

    @Override
    public void stop() {
        cleanup();
    }

    /** Creates the run's image directory (for tests that run without the Quarkus resource). */
    public static void createDir() {
        try {
            Files.createDirectories(DIR);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Destroys and undefines the run's domains and deletes its directory. */
    public static void cleanup() {
        Processes.Result list = Processes.run("virsh", "-c", URI, "list", "--all", "--name");
        for (String name : list.out().split("\n")) {
            name = name.strip();
            if (name.startsWith(PREFIX)) {
                Processes.run("virsh", "-c", URI, "destroy", name);
                Processes.run("virsh", "-c", URI, "undefine", name, "--snapshots-metadata", "--nvram");
            }
        }
        if (Files.exists(DIR)) {
            Processes.run("chmod", "-R", "u+w", DIR.toString());
            try (Stream<Path> s = Files.walk(DIR)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Runs virsh on this host's connection; fails the test on a non-zero exit; returns stdout. */
    public static String virsh(String... args) {
        List<String> argv = new ArrayList<>(List.of("virsh", "-c", target));
        argv.addAll(List.of(args));
        return Processes.ok(argv);
    }

    /** Runs virsh on this host's connection and returns whatever it did (for commands expected to fail). */
    public static Processes.Result tryVirsh(String... args) {
        List<String> argv = new ArrayList<>(List.of("virsh", "-c", target));
        argv.addAll(List.of(args));
        return Processes.run(argv);
    }
}

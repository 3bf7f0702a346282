package io.strata.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A libvirtd of a test's own, so that the test may kill and restart it while other tests use the
 * machine's libvirtd. It runs in a mount namespace of its own in which its state, run and cache
 * directories and /etc/libvirt are directories of the test's (bind mounts), so a restarted daemon
 * finds the domains it ran, and their QEMU processes, as the system daemon would. It has no
 * domains, networks or autostart of the system's, no AppArmor (security driver none) and no
 * virtlogd (QEMU logs to files). Clients reach it at {@link #uri()}. Needs root and unshare(1).
 */
public final class PrivateLibvirtd implements AutoCloseable {

    /** Binds the directories and becomes libvirtd; the paths come in as arguments, never spliced into the script. */
    private static final String SCRIPT = """
            mount --bind "$1/run" /run/libvirt && mount --bind "$1/lib-qemu" /var/lib/libvirt/qemu \
              && mount --bind "$1/cache" /var/cache/libvirt && mount --bind "$1/etc" /etc/libvirt \
              && exec libvirtd --config "$1/etc/libvirtd.conf" --pid-file "$1/libvirtd.pid"
            """;

    private final Path base;
    private Process daemon;

    public PrivateLibvirtd() {
        try {
            base = Files.createTempDirectory("strata-libvirtd-");
            for (String d : List.of("run", "lib-qemu", "cache", "sock", "log")) {
                Files.createDirectories(base.resolve(d));
            }
            Path etc = base.resolve("etc");
            Processes.ok("cp", "-a", "/etc/libvirt/.", etc.toString() + "/");
            Processes.ok("sh", "-c", "rm -rf \"$1\"/qemu/*.xml \"$1\"/qemu/autosnapshot \"$1\"/qemu/networks/autostart/*",
                    "sh", etc.toString());
            Files.writeString(etc.resolve("libvirtd.conf"), """
                    unix_sock_dir = "%s"
                    unix_sock_rw_perms = "0700"
                    auth_unix_rw = "none"
                    auth_unix_ro = "none"
                    log_outputs = "3:file:%s"
                    """.formatted(base.resolve("sock"), base.resolve("log/libvirtd.log")));
            Files.writeString(etc.resolve("qemu.conf"), """
                    stdio_handler = "file"
                    security_driver = "none"
                    """);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How clients (virsh, the app) reach this daemon. */
    public String uri() {
        return "qemu+unix:///system?socket=" + base.resolve("sock/libvirt-sock");
    }

    /** The file that holds a domain's definition for this daemon (gone once it is undefined). */
    public Path domainConfig(String vm) {
        return base.resolve("etc/qemu").resolve(vm + ".xml");
    }

    /** Starts the daemon and waits until it answers. */
    public PrivateLibvirtd start() {
        try {
            daemon = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", SCRIPT, "sh",
                    base.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("log/daemon.out").toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (Processes.run("virsh", "-c", uri(), "version").exit() == 0) {
                return this;
            }
            if (!daemon.isAlive()) {
                throw new IllegalStateException("the private libvirtd exited: " + log());
            }
            sleep(200);
        }
        throw new IllegalStateException("the private libvirtd does not answer: " + log());
    }

    /** SIGKILL, as a crash would: QEMU processes and their block jobs go on without it. */
    public void kill() {
        if (daemon != null && daemon.isAlive()) {
            try {
                daemon.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Kills this daemon the moment {@code file} is gone (e.g. a domain's definition, which
     * libvirtd removes while it undefines): a crash right after a change it made and before it
     * answered. Waits at most {@code seconds}.
     */
    public java.util.concurrent.CompletableFuture<Void> killWhenGone(Path file, int seconds) {
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            long deadline = System.currentTimeMillis() + seconds * 1000L;
            while (java.nio.file.Files.exists(file) && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            kill();
        });
    }

    /**
     * Defines a shut-off TCG domain owned by admin on {@code disk} (qcow2) on this daemon; returns
     * the file libvirtd keeps its definition in.
     */
    public Path defineVm(String vm, Path disk) throws java.io.IOException {
        Path xml = disk.resolveSibling(vm + ".xml");
        java.nio.file.Files.writeString(xml, VmBuilder.domainXml(vm, "admin", disk, "qcow2"));
        virsh("define", xml.toString());
        java.nio.file.Files.delete(xml);
        Path config = domainConfig(vm);
        if (!java.nio.file.Files.exists(config)) {
            throw new IllegalStateException("libvirtd keeps no definition of " + vm + " in " + config);
        }
        return config;
    }

    /** virsh on this daemon; fails on a non-zero exit; returns stdout. */
    public String virsh(String... args) {
        List<String> argv = new ArrayList<>(List.of("virsh", "-c", uri()));
        argv.addAll(List.of(args));
        return Processes.ok(argv);
    }

    /** virsh on this daemon, whatever it returns. */
    public Processes.Result tryVirsh(String... args) {
        List<String> argv = new ArrayList<>(List.of("virsh", "-c", uri()));
        argv.addAll(List.of(args));
        return Processes.run(argv);
    }

    private String log() {
        try {
            return Files.readString(base.resolve("log/daemon.out"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Destroys and undefines every domain of this daemon, stops it and removes its directories. */
    @Override
    public void close() {
        if (daemon != null && daemon.isAlive()) {
            for (String name : tryVirsh("list", "--all", "--name").out().split("\n")) {
                if (!name.isBlank()) {
                    tryVirsh("destroy", name.strip());
                    tryVirsh("undefine", name.strip(), "--snapshots-metadata");
                }
            }
        }
        kill();
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

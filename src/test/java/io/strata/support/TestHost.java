package io.strata.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real libvirtd of this machine (qemu:///system) with TCG domains on blank qcow2 disks, named
 * {@code st-<run>-…} and kept under /var/lib/libvirt/images/strata-test-<run>/ (reachable by the
 * libvirt-qemu user). Everything the run created is destroyed, undefined and deleted at the end.
 */
public class TestHost implements QuarkusTestResourceLifecycleManager {

    public static final String URI = "qemu:///system";
    public static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    public static final String PREFIX = "st-" + RUN + "-";
    public static final Path DIR = Path.of("/var/lib/libvirt/images/strata-test-" + RUN);

    @Override
    public Map<String, String> start() {
        Proc r = Proc.run("virsh", "-c", URI, "version");
        if (r.exit() != 0) {
            throw new IllegalStateException("libvirtd does not answer on " + URI
                    + " (run scripts/host-setup.sh, or ./strata test which does): " + r.err());
        }
        try {
            Files.createDirectories(DIR);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("strata.libvirt.uri", URI);
    }

    @Override
    public void stop() {
        cleanup();
    }

    public static void cleanup() {
        Proc list = Proc.run("virsh", "-c", URI, "list", "--all", "--name");
        for (String name : list.out().split("\n")) {
            name = name.strip();
            if (name.startsWith(PREFIX)) {
                Proc.run("virsh", "-c", URI, "destroy", name);
                Proc.run("virsh", "-c", URI, "undefine", name, "--snapshots-metadata", "--nvram");
            }
        }
        if (Files.exists(DIR)) {
            Proc.run("chmod", "-R", "u+w", DIR.toString());
            try (Stream<Path> s = Files.walk(DIR)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Defines (not starts) a TCG domain with one blank 64 MiB qcow2 disk; returns its name. */
    public static String defineVm(String suffix, String owner) {
        String name = PREFIX + suffix;
        Path disk = DIR.resolve(name + ".qcow2");
        Proc.ok("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M");
        return defineVm(name, owner, disk, "qcow2");
    }

    private static Path tinyGuest;

    /**
     * A tiny Linux-looking guest image that libguestfs' inspection recognises (os-release,
     * hostname, machine-id, fstab, a binary in /bin), built once per run with virt-make-fs.
     */
    public static synchronized Path tinyGuestImage() {
        if (tinyGuest == null) {
            try {
                Path root = DIR.resolve("tiny-guest-root");
                Files.createDirectories(root.resolve("etc"));
                Files.createDirectories(root.resolve("bin"));
                Files.writeString(root.resolve("etc/os-release"), "ID=debian\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"
                        + "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
                Files.writeString(root.resolve("etc/hostname"), TINY_HOSTNAME + "\n");
                Files.writeString(root.resolve("etc/machine-id"), TINY_MACHINE_ID + "\n");
                Files.writeString(root.resolve("etc/fstab"), "/dev/sda / ext4 defaults 0 1\n");
                Files.copy(Path.of("/bin/ls"), root.resolve("bin/ls"));
                Path img = DIR.resolve("tiny-guest.qcow2");
                guestfs("virt-make-fs", "--format=qcow2", "--type=ext4", "--size=+64M", root.toString(), img.toString());
                tinyGuest = img;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return tinyGuest;
    }

    public static final String TINY_HOSTNAME = "tiny-original";
    public static final String TINY_MACHINE_ID = "0123456789abcdef0123456789abcdef";

    /** Runs a libguestfs tool the way Strata does (direct backend, TCG). */
    public static String guestfs(String... argv) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("LIBGUESTFS_BACKEND", "direct");
        pb.environment().put("LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", argv) + " failed: " + err.join() + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads files of a guest image, read-only, in one appliance start. */
    public static List<String> guestFiles(Path image, String... files) {
        List<String> argv = new ArrayList<>(List.of("guestfish", "--ro", "-a", image.toString(), "-i"));
        for (int i = 0; i < files.length; i++) {
            if (i > 0) {
                argv.add(":");
            }
            argv.addAll(List.of("cat", files[i]));
        }
        return guestfs(argv.toArray(String[]::new)).lines().toList();
    }

    /** A TCG domain over a copy of the tiny guest image, with a NIC whose MAC is fixed. */
    public static String defineGuestVm(String suffix, String owner) {
        String name = PREFIX + suffix;
        Path disk = DIR.resolve(name + ".qcow2");
        Proc.ok("cp", "--sparse=always", tinyGuestImage().toString(), disk.toString());
        defineVm(name, owner, disk, "qcow2");
        String xml = DIR.resolve(name + "-nic.xml").toString();
        try {
            Files.writeString(Path.of(xml), "<interface type='user'><mac address='52:54:00:aa:bb:cc'/><model type='virtio'/></interface>");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        virsh("attach-device", name, xml, "--config");
        return name;
    }

    /** Defines (not starts) a TCG domain with two blank 64 MiB qcow2 disks (vda, vdb); returns its name. */
    public static String defineVmWithTwoDisks(String suffix, String owner) {
        String name = PREFIX + suffix;
        Path vda = DIR.resolve(name + ".qcow2");
        Path vdb = DIR.resolve(name + "-data.qcow2");
        Proc.ok("qemu-img", "create", "-q", "-f", "qcow2", vda.toString(), "64M");
        Proc.ok("qemu-img", "create", "-q", "-f", "qcow2", vdb.toString(), "64M");
        defineVm(name, owner, vda, "qcow2");
        String xml = DIR.resolve(name + "-vdb.xml").toString();
        try {
            Files.writeString(Path.of(xml), """
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2'/>
                      <source file='%s'/>
                      <target dev='vdb' bus='virtio'/>
                    </disk>
                    """.formatted(vdb));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        virsh("attach-device", name, xml, "--config");
        return name;
    }

    /** Defines (not starts) a TCG domain over an existing disk file declared with the given format. */
    public static String defineVm(String name, String owner, Path disk, String format) {
        String metadata = owner == null ? "" : """
                  <metadata>
                    <strata:vm xmlns:strata="https://strata.io/xmlns/libvirt/domain/1" owner="%s" template="false"/>
                  </metadata>
                """.formatted(owner);
        String xml = """
                <domain type='qemu'>
                  <name>%s</name>
                %s  <memory unit='MiB'>128</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='pc'>hvm</type></os>
                  <devices>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='%s'/>
                      <source file='%s'/>
                      <target dev='vda' bus='virtio'/>
                    </disk>
                  </devices>
                </domain>
                """.formatted(name, metadata, format, disk);
        Path xmlFile = DIR.resolve(name + ".xml");
        try {
            Files.writeString(xmlFile, xml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        virsh("define", xmlFile.toString());
        return name;
    }

    public static Path diskOf(String vm) {
        return DIR.resolve(vm + ".qcow2");
    }

    public static String virsh(String... args) {
        List<String> argv = new ArrayList<>(List.of("virsh", "-c", URI));
        argv.addAll(List.of(args));
        return Proc.ok(argv.toArray(String[]::new));
    }

    /** The file a disk of the domain uses now (its live definition when running). */
    public static Path topOf(String vm, String target) {
        for (String line : virsh("domblklist", vm).lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2 && f[0].equals(target)) {
                return Path.of(f[1]);
            }
        }
        throw new AssertionError(vm + " has no disk " + target);
    }

    /** The chain of an image, top first, as qemu-img reads it. */
    public static List<String> backingChain(Path image) {
        String out = Proc.ok("qemu-img", "info", "-U", "--backing-chain", "--output=json", image.toString());
        List<String> files = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"filename\":\\s*\"([^\"]+)\"").matcher(out);
        while (m.find()) {
            files.add(m.group(1));
        }
        return files;
    }

    /** Writes a pattern through the running VM's own disk (HMP qemu-io on its virtio device). */
    public static void writePatternLive(String vm, String target, int pattern, String offset, String length) {
        String device = target.equals("vda") ? "virtio-disk0" : "virtio-disk1";
        String out = virsh("qemu-monitor-command", "--hmp", vm,
                "qemu-io -d " + device + "/virtio-backend \"write -P " + pattern + " " + offset + " " + length + "\"");
        assertEquals("", out.strip(), "qemu-io through the monitor");
    }

    /**
     * What a refusal must leave alone: every file of the run's directory with its SHA-256, the
     * domain's persistent XML and every snapshot's XML.
     */
    public static Map<String, String> hostState(String vm) {
        Map<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> !p.toString().endsWith(".xml")).toList()) {
                out.put(f.toString(), sha256(f));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        out.put("domain", virsh("dumpxml", "--inactive", vm));
        for (String s : snapshotNames(vm)) {
            out.put("snapshot " + s, virsh("snapshot-dumpxml", vm, s));
        }
        out.put("current", Proc.run("virsh", "-c", URI, "snapshot-current", "--name", vm).out());
        return out;
    }

    public static String sha256(Path f) {
        try (var in = Files.newInputStream(f)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String currentSnapshot(String vm) {
        return virsh("snapshot-current", "--name", vm).strip();
    }

    public static String state(String vm) {
        return virsh("domstate", vm).strip();
    }

    public static List<String> snapshotNames(String vm) {
        return virsh("snapshot-list", vm, "--name").lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** True when {@code qemu-img check} finds the image clean. */
    public static boolean checkClean(Path image) {
        return Proc.run("qemu-img", "check", "-q", image.toString()).exit() == 0;
    }

    /** Writes a byte pattern into a shut-off image with qemu-io. */
    public static void writePattern(Path image, int pattern, String offset, String length) {
        Proc.ok("qemu-io", "-f", "qcow2", "-c", "write -P " + pattern + " " + offset + " " + length, image.toString());
    }

    /** True when the image holds the pattern there (qemu-io read -P exits 1 when the data differs). */
    public static boolean hasPattern(Path image, int pattern, String offset, String length) {
        Proc r = Proc.run("qemu-io", "-f", "qcow2", "-U", "-r", "-c", "read -P " + pattern + " " + offset + " " + length,
                image.toString());
        if (r.out().contains("Pattern verification failed") || r.err().contains("Pattern verification failed")) {
            return false;
        }
        assertEquals(0, r.exit(), "qemu-io read failed: " + r.err() + r.out());
        return true;
    }

    /** A finished child process. */
    public record Proc(int exit, String out, String err) {

        public static Proc run(String... argv) {
            try {
                Process p = new ProcessBuilder(argv).start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                byte[] err = p.getErrorStream().readAllBytes();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", argv) + " timed out");
                }
                return new Proc(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        public static String ok(String... argv) {
            Proc r = run(argv);
            if (r.exit() != 0) {
                throw new AssertionError(String.join(" ", argv) + " exited " + r.exit() + ": " + r.err() + r.out());
            }
            return r.out();
        }
    }
}

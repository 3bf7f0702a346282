package io.strata.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the tests read and write on the host to prove a disk claim, independently of Strata: byte
 * patterns with qemu-io, chains with qemu-img, checksums, and the domain's view through virsh.
 */
public final class DiskProbes {

    private DiskProbes() {
    }

    // ---- images, with qemu-io and qemu-img

    /** Writes a byte pattern into a shut-off image with qemu-io. */
    public static void writePattern(Path image, int pattern, String offset, String length) {
        Processes.ok("qemu-io", "-f", "qcow2", "-c", "write -P " + pattern + " " + offset + " " + length, image.toString());
    }

    /** True when the image holds the pattern there (qemu-io read -P exits 1 when the data differs). */
    public static boolean hasPattern(Path image, int pattern, String offset, String length) {
        Processes.Result r = Processes.run("qemu-io", "-f", "qcow2", "-U", "-r", "-c",
                "read -P " + pattern + " " + offset + " " + length, image.toString());
        if (r.out().contains("Pattern verification failed") || r.err().contains("Pattern verification failed")) {
            return false;
        }
        assertEquals(0, r.exit(), "qemu-io read failed: " + r.err() + r.out());
        return true;
    }

    /** Writes a pattern through the running VM's own disk (HMP qemu-io on its virtio device). */
    public static void writePatternLive(String vm, String target, int pattern, String offset, String length) {
        String device = target.equals("vda") ? "virtio-disk0" : "virtio-disk1";
        String out = LibvirtHost.virsh("qemu-monitor-command", "--hmp", vm,
                "qemu-io -d " + device + "/virtio-backend \"write -P " + pattern + " " + offset + " " + length + "\"");
        assertEquals("", out.strip(), "qemu-io through the monitor");
    }

    /** The chain of an image, top first, as {@code qemu-img info --backing-chain} reads it. */
    public static List<String> backingChain(Path image) {
        String out = Processes.ok("qemu-img", "info", "-U", "--backing-chain", "--output=json", image.toString());
        List<String> files = new ArrayList<>();
        Matcher m = Pattern.compile("\"filename\":\\s*\"([^\"]+)\"").matcher(out);
        while (m.find()) {
            files.add(m.group(1));
        }
        return files;
    }

    /** True when {@code qemu-img check} finds the image clean. */
    public static boolean checkClean(Path image) {
        return Processes.run("qemu-img", "check", "-q", image.toString()).exit() == 0;
    }

    public static String sha256(Path f) {
        try (var in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the domain, through virsh

    /** The file a disk of the domain uses now (its live definition when running). */
    public static Path topOf(String vm, String target) {
        for (String line : LibvirtHost.virsh("domblklist", vm).lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2 && f[0].equals(target)) {
                return Path.of(f[1]);
            }
        }
        throw new AssertionError(vm + " has no disk " + target);
    }

    public static String currentSnapshot(String vm) {
        return LibvirtHost.virsh("snapshot-current", "--name", vm).strip();
    }

    /** virsh's state label: "running", "shut off", "paused". */
    public static String state(String vm) {
        return LibvirtHost.virsh("domstate", vm).strip();
    }

    public static List<String> snapshotNames(String vm) {
        return LibvirtHost.virsh("snapshot-list", vm, "--name").lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * What a refusal must leave alone: every file of the run's directory with its SHA-256, the
     * domain's persistent XML and every snapshot's XML. (Directories, such as the tiny guest's
     * source tree, are skipped: they hold no VM's data.)
     */
    public static Map<String, String> hostState(String vm) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(LibvirtHost.DIR)) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".xml")).toList()) {
                out.put(f.toString(), sha256(f));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        out.put("domain", LibvirtHost.virsh("dumpxml", "--inactive", vm));
        for (String s : snapshotNames(vm)) {
            out.put("snapshot " + s, LibvirtHost.virsh("snapshot-dumpxml", vm, s));
        }
        out.put("current", LibvirtHost.tryVirsh("snapshot-current", "--name", vm).out());
        return out;
    }
}

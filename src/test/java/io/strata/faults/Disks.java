package io.strata.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.strata.support.LibvirtHost;
import io.strata.support.Processes;

/**
 * What the fault suite reads on the host, with the tools an operator would use: virsh for
 * domains, qemu-img and qemu-io (shared, read-only: {@code -U -r}) for files of any format.
 */
final class Disks {

    private Disks() {
    }

    static boolean domainExists(String vm) {
        return LibvirtHost.tryVirsh("dominfo", vm).exit() == 0;
    }

    static String state(String vm) {
        return LibvirtHost.virsh("domstate", vm).strip();
    }

    /** The file each disk of the domain reads from now (live when running), target → file. */
    static List<String[]> disks(String vm) {
        List<String[]> out = new ArrayList<>();
        for (String line : LibvirtHost.virsh("domblklist", vm).split("\n")) {
            String[] cols = line.strip().split("\\s+");
            if (cols.length == 2 && cols[0].matches("[hsv]d[a-z]+") && cols[1].startsWith("/")) {
                out.add(cols);
            }
        }
        return out;
    }

    static String top(String vm) {
        return disks(vm).stream().filter(d -> d[0].equals("vda")).map(d -> d[1]).findFirst()
                .orElseThrow(() -> new AssertionError(vm + " has no vda"));
    }

    /** The image's format as qemu-img sees it (raw for anything without a header). */
    static String format(String file) {
        String out = Processes.ok("qemu-img", "info", "-U", "--output=json", file);
        Matcher m = Pattern.compile("\"format\":\\s*\"([^\"]+)\"").matcher(out);
        return m.find() ? m.group(1) : "raw";
    }

    /** The chain of an image, top first ({@code qemu-img info --backing-chain}). */
    static List<String> chain(String file) {
        String out = Processes.ok("qemu-img", "info", "-U", "--backing-chain", "--output=json", file);
        List<String> files = new ArrayList<>();
        Matcher m = Pattern.compile("\"filename\":\\s*\"([^\"]+)\"").matcher(out);
        while (m.find()) {
            files.add(m.group(1));
        }
        return files;
    }

    /** Whether the image (through its chain) reads the byte pattern over the range; false when it cannot be read. */
    static boolean reads(String file, int pattern, String offset, String length) {
        if (!Files.exists(Path.of(file))) {
            return false;
        }
        Processes.Result r = Processes.run("qemu-io", "-U", "-r", "-f", format(file), "-c",
                "read -P " + pattern + " " + offset + " " + length, file);
        return r.exit() == 0 && !(r.out() + r.err()).contains("Pattern verification failed")
                && !(r.out() + r.err()).contains("error");
    }

    /** Problems {@code qemu-img check} finds in a qcow2 image (raw images have nothing to check); null when clean. */
    static String checkProblems(String file) {
        if (!format(file).equals("qcow2")) {
            return null;
        }
        Processes.Result r = Processes.run("qemu-img", "check", "-U", "-q", file);
        return r.exit() == 0 ? null : "qemu-img check " + file + " exit " + r.exit() + ": " + (r.out() + r.err()).strip();
    }

    /** Writes a pattern into a shut-off image (qemu-io on its top, any format). */
    static void write(String file, int pattern, String offset, String length) {
        Processes.ok("qemu-io", "-f", format(file), "-c", "write -P " + pattern + " " + offset + " " + length, file);
    }

    /** {@code virsh blockjob --info} of one disk (virsh prints the progress bar on stderr). */
    static boolean hasBlockJob(String vm, String target) {
        Processes.Result r = LibvirtHost.tryVirsh("blockjob", vm, target, "--info");
        return r.exit() == 0 && !(r.out() + r.err()).contains("No current block job");
    }

    static List<String> snapshotNames(String vm) {
        List<String> out = new ArrayList<>();
        for (String s : LibvirtHost.virsh("snapshot-list", vm, "--name").split("\n")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    /** The files a snapshot's saved domain says its data is in (one per disk). */
    static List<String> snapshotImages(String vm, String snapshot) {
        String xml = LibvirtHost.virsh("snapshot-dumpxml", vm, snapshot);
        // The saved <domain>, not <domainsnapshot>'s <disks> (whose overlays a later revert may discard by design).
        Matcher d = Pattern.compile("<domain[ >]").matcher(xml);
        List<String> files = new ArrayList<>();
        if (!d.find()) {
            return files;
        }
        Matcher m = Pattern.compile("<source file='([^']+)'").matcher(xml.substring(d.start()));
        while (m.find()) {
            files.add(m.group(1));
        }
        return files;
    }
}

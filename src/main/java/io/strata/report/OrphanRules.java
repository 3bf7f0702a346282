package io.strata.report;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which files in the storage directories count as image files, and why one that nothing
 * references is an orphan, in words an operator can check. Pure: the scan gives the facts.
 */
final class OrphanRules {

    /** Extensions of image files that carry no magic of their own (raw) or that other tools write. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("qcow2", "qcow", "img", "raw", "vmdk", "vdi", "vhd", "vhdx",
            "qed", "iso");

    /** {@code <image without extension>.<epoch seconds>}: the overlay a revert makes (libvirt ≥ 9.9 and Strata). */
    private static final Pattern REVERT_NAME = Pattern.compile("^(.+)\\.(\\d{9,11})$");

    private OrphanRules() {
    }

    /** The facts about one unreferenced file. {@code backingFile} is normalised; null when none. */
    record Evidence(String path, long bytes, Instant mtime, String format, String backingFile, boolean backingExists,
                    String probeError) {
    }

    /** An orphan with its evidence; {@code vm} and {@code owner} are those of the VM it relates to, if any. */
    record Orphan(String path, long bytes, Instant mtime, String format, String backingFile, String why, String vm,
                  String owner, boolean revertLeftover) {
    }

    /**
     * Whether a file is looked at at all: a qcow2 header, or a name that image files have.
     * Domain XML dumps, logs and the like beside the disks are not image files.
     */
    static boolean isImageCandidate(String fileName, boolean qcow2Magic) {
        if (qcow2Magic) {
            return true;
        }
        int dot = fileName.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** When a revert made the file, from its name; null when the name is not a revert overlay's. */
    static Instant revertStamp(String fileName) {
        Matcher m = REVERT_NAME.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        long s = Long.parseLong(m.group(2));
        // Plausible epoch seconds only (2001..2286), so "disk.123456789" style names of other tools stay out.
        return s >= 1_000_000_000L && s < 10_000_000_000L ? Instant.ofEpochSecond(s) : null;
    }

    /** Judges a file nothing references (the caller checked {@link FileReferences#referrer}). */
    static Orphan judge(Evidence e, FileReferences refs) {
        String name = name(e.path());
        Instant stamp = revertStamp(name);
        String b = e.backingFile();
        String vm = null;
        boolean leftover = false;
        StringBuilder why = new StringBuilder();
        if (e.probeError() != null) {
            why.append("unreadable by qemu-img (").append(e.probeError()).append("); named by no VM, snapshot,"
                    + " template or active job");
        } else if (b == null) {
            why.append("standalone ").append(e.format()).append(" image, named by no VM (running or defined),"
                    + " no snapshot, no template and no active job");
        } else {
            FileReferences.ChainUse use = refs.chainUse(b);
            String snap = refs.snapshotOf(b);
            String template = refs.templateOf(b);
            if (template != null) {
                // a template image is shared by its thin VMs: an overlay on it belongs to none of them
                why.append("overlay of ").append(name(b)).append(", the image of template ").append(template)
                        .append(", but no VM uses it (a thin VM whose definition is gone)");
            } else if (use != null) {
                vm = use.domain();
                why.append("overlay of ").append(name(b)).append(", which ").append(vm).append(" uses, but in no chain of ")
                        .append(vm).append(" and no snapshot of it");
                if (use.child() != null) {
                    leftover = true;
                    why.append("; ").append(vm).append(" reads ").append(name(b)).append(" through ")
                            .append(name(use.child())).append(" instead, so this is a branch left behind (a revert")
                            .append(" or a snapshot deleted with --metadata)");
                }
            } else if (snap != null) {
                vm = refs.domainOf(b);
                why.append("overlay of ").append(name(b)).append(", which holds ").append(snap)
                        .append(", but in no chain of ").append(vm).append(" and no snapshot of it");
                leftover = true;
            } else if (!e.backingExists()) {
                why.append("overlay of ").append(name(b)).append(", which no longer exists: the file cannot be read"
                        + " and nothing names it");
            } else {
                why.append("overlay of ").append(name(b)).append(", which nothing references either");
            }
        }
        if (stamp != null) {
            leftover = true;
            why.insert(0, "revert overlay made " + stamp + ": ");
        }
        return new Orphan(e.path(), e.bytes(), e.mtime(), e.format(), b, why.toString(), vm, refs.ownerOf(vm), leftover);
    }

    static String name(String path) {
        return Path.of(path).getFileName().toString();
    }
}

package io.strata.imagetool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The qemu-img client: every subcommand Strata uses, with formats always stated (never probed),
 * and its JSON read into records. A file it creates is claimed first, so none is overwritten.
 */
@ApplicationScoped
public class QemuImg {

    private static final Pattern PROGRESS = Pattern.compile("\\((\\d+(?:\\.\\d+)?)/100%\\)");

    @Inject
    ObjectMapper json;
    @Inject
    ProcessRunner processes;
    @Inject
    ImageFiles files;

    /**
     * {@code qemu-img info} of the file and, for qcow2, every file below it (top first). On a
     * running domain QEMU holds a write lock on the image, so {@code inUse} reads with {@code -U}
     * (force share): a read-only look.
     */
    public List<ImageInfo> info(String file, String format, boolean inUse) {
        List<String> argv = new ArrayList<>(List.of("qemu-img", "info", "--output=json", "-f", format));
        if (format.equals("qcow2")) {
            argv.add("--backing-chain");
        }
        if (inUse) {
            argv.add("-U");
        }
        argv.add(file);
        String out = processes.run(argv);
        try {
            List<ImageInfo> chain = new ArrayList<>();
            JsonNode root = json.readTree(out);
            for (JsonNode n : root.isArray() ? root : json.createArrayNode().add(root)) {
                chain.add(new ImageInfo(n.path("filename").asText(), n.path("format").asText(),
                        n.path("virtual-size").asLong(), n.path("actual-size").asLong(),
                        n.hasNonNull("full-backing-filename") ? n.get("full-backing-filename").asText()
                                : n.hasNonNull("backing-filename") ? n.get("backing-filename").asText() : null,
                        n.path("snapshots").size()));
            }
            return chain;
        } catch (IOException e) {
            throw new ImageToolException("unreadable qemu-img output for " + file + ": " + e.getMessage());
        }
    }

    /**
     * What a file nobody names says it is (format, backing file), read shared ({@code -U}) from its
     * header alone, without its chain. For a report's evidence only: unlike {@link #info}, the
     * format is probed, so the answer is never used to open the file as that format.
     */
    public ImageInfo probe(String file) {
        String out = processes.run(List.of("qemu-img", "info", "--output=json", "-U", file));
        try {
            JsonNode n = json.readTree(out);
            return new ImageInfo(n.path("filename").asText(file), n.path("format").asText(),
                    n.path("virtual-size").asLong(), n.path("actual-size").asLong(),
                    n.hasNonNull("full-backing-filename") ? n.get("full-backing-filename").asText()
                            : n.hasNonNull("backing-filename") ? n.get("backing-filename").asText() : null,
                    n.path("snapshots").size());
        } catch (IOException e) {
            throw new ImageToolException("unreadable qemu-img output for " + file + ": " + e.getMessage());
        }
    }

    /**
     * A new qcow2 overlay on {@code backing}, the backing format stated (never probed). The file is
     * claimed with an exclusive create first, so an existing file is never overwritten.
     */
    public void createOverlay(String overlay, String backing, String backingFormat) {
        requireFormat(backingFormat);
        files.claim(overlay);
        try {
            processes.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", backing, "-F", backingFormat, overlay));
        } catch (ImageToolException e) {
            files.removeQuietly(overlay);
            throw e;
        }
    }

    /**
     * Commits {@code top} into {@code base} (a file lower in its chain), copying only what the
     * layers above base hold. Only base is written: what the chain reads through top is unchanged,
     * so stopping half-way leaves the chain reading as it did. Progress is 0..1; a bandwidth
     * above 0 limits the copy to that many MiB/s.
     */
    public void commit(String top, String base, long bandwidthMiB, DoubleConsumer progress, BooleanSupplier cancelled) {
        List<String> argv = new ArrayList<>(List.of("qemu-img", "commit", "-f", "qcow2", "-p", "-d", "-b", base));
        if (bandwidthMiB > 0) {
            argv.addAll(List.of("-r", Long.toString(bandwidthMiB * 1024 * 1024)));
        }
        argv.add(top);
        runWithProgress(argv, progress, cancelled);
    }

    /**
     * Copies an image into a new file of the given format with progress ({@code qemu-img convert
     * -p}); the target is claimed with an exclusive create first, and removed again on failure.
     */
    public void convert(String source, String sourceFormat, String target, String targetFormat,
            DoubleConsumer progress, BooleanSupplier cancelled) {
        convert(source, sourceFormat, target, targetFormat, false, progress, cancelled);
    }

    /**
     * {@link #convert}; with {@code readShared} the source is read with {@code -U} (force share),
     * for an image a paused domain holds open: QEMU keeps its write lock while paused, and a
     * paused guest writes nothing.
     */
    public void convert(String source, String sourceFormat, String target, String targetFormat, boolean readShared,
            DoubleConsumer progress, BooleanSupplier cancelled) {
        requireFormat(sourceFormat);
        requireFormat(targetFormat);
        files.claim(target);
        List<String> argv = new ArrayList<>(List.of("qemu-img", "convert", "-p"));
        if (readShared) {
            argv.add("-U");
        }
        argv.addAll(List.of("-f", sourceFormat, "-O", targetFormat, source, target));
        try {
            runWithProgress(argv, progress, cancelled);
        } catch (RuntimeException e) {
            files.removeQuietly(target);
            throw e;
        }
    }

    /** True when both images hold the same data ({@code qemu-img compare}, exit 0). */
    public boolean sameContent(String a, String formatA, String b, String formatB) {
        ProcessRunner.Result r = processes.exec(List.of("qemu-img", "compare", "-f", formatA, "-F", formatB, a, b),
                ProcessRunner.TIMEOUT_SECONDS * 30);
        if (r.exit() > 1) {
            throw new ImageToolException("qemu-img compare failed: " + r.err().strip());
        }
        return r.exit() == 0;
    }

    /** Copies everything the backing chain holds into {@code file} and drops its backing file. */
    public void flatten(String file, DoubleConsumer progress, BooleanSupplier cancelled) {
        runWithProgress(List.of("qemu-img", "rebase", "-p", "-f", "qcow2", "-b", "", file), progress, cancelled);
    }

    /** Points {@code file} at another backing file without copying (the caller made the data equal). */
    public void rebaseUnsafe(String file, String backing, String backingFormat) {
        requireFormat(backingFormat);
        processes.run(List.of("qemu-img", "rebase", "-u", "-f", "qcow2", "-b", backing, "-F", backingFormat, file));
    }

    /** {@code qemu-img check} of one image; a running domain's image is read shared ({@code -U}). */
    public ImageCheck check(String file, String format, boolean inUse) {
        if (!"qcow2".equals(format)) {
            return new ImageCheck(file, format, true, 0, 0, 0, "raw images carry no metadata to check");
        }
        List<String> argv = new ArrayList<>(List.of("qemu-img", "check", "--output=json", "-f", "qcow2"));
        if (inUse) {
            argv.add("-U");
        }
        argv.add(file);
        ProcessRunner.Result r = processes.exec(argv, ProcessRunner.TIMEOUT_SECONDS * 10);
        // Exit codes: 0 clean, 1 check not completed, 2 corruptions, 3 leaks only, 63 unsupported.
        if (r.exit() == 1 || r.exit() == 63 || r.out().isBlank()) {
            throw new ImageToolException("qemu-img check of " + file + " could not run: " + r.err().strip());
        }
        try {
            JsonNode n = json.readTree(r.out());
            long corruptions = n.path("corruptions").asLong();
            long leaks = n.path("leaks").asLong();
            long errors = n.path("check-errors").asLong();
            boolean clean = corruptions == 0 && leaks == 0 && errors == 0;
            String summary = clean ? "no errors" : corruptions + " corruption(s), " + leaks + " leaked cluster(s), "
                    + errors + " check error(s)";
            return new ImageCheck(file, format, clean, corruptions, leaks, errors, summary);
        } catch (IOException e) {
            throw new ImageToolException("unreadable qemu-img check output for " + file + ": " + e.getMessage());
        }
    }

    private static void requireFormat(String format) {
        if (!"qcow2".equals(format) && !"raw".equals(format)) {
            throw new ImageToolException("image format " + format + " is not handled (only qcow2 and raw are)");
        }
    }

    /**
     * A long qemu-img command that prints "(12.34/100%)" with {@code -p}: the fraction goes to
     * {@code progress}; a cancel kills it (kernel {@code Cancelled}), what it wrote stays.
     */
    private void runWithProgress(List<String> argv, DoubleConsumer progress, BooleanSupplier cancelled) {
        processes.stream(argv, Map.of(), chunk -> {
            var m = PROGRESS.matcher(chunk);
            if (m.find()) {
                progress.accept(Double.parseDouble(m.group(1)) / 100.0);
            }
        }, cancelled, TimeUnit.DAYS.toSeconds(1));
    }
}

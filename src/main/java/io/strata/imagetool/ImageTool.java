package io.strata.imagetool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs qemu-img as a child process with an argv list (never a shell string), and parses its JSON.
 */
@ApplicationScoped
public class ImageTool {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ImageTool.class);

    private static final long TIMEOUT_SECONDS = 60;

    @Inject
    ObjectMapper json;

    /**
     * The image chain of a disk, top first. The format is the one the domain XML declares, never
     * guessed: a guest can write a qcow2 header into a raw disk, and a probed header could name
     * any file (or a network source) as its backing file. On a running domain QEMU holds a write
     * lock on the image, so the read is done with {@code -U} (force share): a read-only look.
     */
    public List<ImageInfo> backingChain(String file, String format, boolean inUse) {
        if (format == null || !(format.equals("qcow2") || format.equals("raw"))) {
            throw new ImageToolException("disk format " + format + " is not inspected (only qcow2 and raw are)");
        }
        String key = format + ":" + file;
        CachedChain cached;
        synchronized (chains) {
            cached = chains.get(key);
        }
        if (cached != null && cached.stamps().equals(stamps(cached.chain()))) {
            return cached.chain();
        }
        List<Object> topBefore = stamps(List.of(new ImageInfo(file, format, 0, 0, null, 0)));
        List<ImageInfo> chain = readChain(file, format, inUse);
        List<Object> stamps = stamps(chain);
        // Cached only when the top did not change while qemu-img read it.
        if (stamps != null && topBefore != null && !stamps.isEmpty() && stamps.get(0).equals(topBefore.get(0))) {
            synchronized (chains) {
                chains.put(key, new CachedChain(chain, stamps));
            }
        }
        return chain;
    }

    /**
     * Chains read before, kept while none of their files changed (same inode, size and mtime):
     * the inventory and every snapshot check read the same chains again and again, and a
     * qemu-img process costs 10–20 ms where a stat costs microseconds.
     */
    private record CachedChain(List<ImageInfo> chain, List<Object> stamps) {
    }

    private final Map<String, CachedChain> chains = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CachedChain> eldest) {
            return size() > 4096;
        }
    };

    /**
     * Records the chain of an overlay just made on {@code backing} (by qemu-img or by libvirt),
     * when the backing chain is known and unchanged: the next look at it costs a stat, not a
     * qemu-img process. An overlay's header names its backing file and nothing else changes.
     */
    public void rememberOverlay(String overlay, String backing, String backingFormat) {
        CachedChain below;
        synchronized (chains) {
            below = chains.get(backingFormat + ":" + backing);
        }
        if (below == null || !below.stamps().equals(stamps(below.chain()))) {
            return;
        }
        List<ImageInfo> chain = new ArrayList<>();
        chain.add(new ImageInfo(overlay, "qcow2", below.chain().get(0).virtualSize(), fileBytes(overlay), backing, 0));
        chain.addAll(below.chain());
        List<Object> stamps = stamps(chain);
        if (stamps != null) {
            synchronized (chains) {
                chains.put("qcow2:" + overlay, new CachedChain(List.copyOf(chain), stamps));
            }
        }
    }

    /** inode, size and mtime of every file of the chain; null when one cannot be read. */
    private static List<Object> stamps(List<ImageInfo> chain) {
        List<Object> out = new ArrayList<>();
        for (ImageInfo i : chain) {
            try {
                var a = java.nio.file.Files.readAttributes(java.nio.file.Path.of(i.file()),
                        java.nio.file.attribute.BasicFileAttributes.class);
                out.add(List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime().toInstant()));
            } catch (IOException | java.nio.file.InvalidPathException e) {
                return null;
            }
        }
        return out;
    }

    private List<ImageInfo> readChain(String file, String format, boolean inUse) {
        List<String> argv = new ArrayList<>(List.of("qemu-img", "info", "--output=json", "-f", format));
        if (format.equals("qcow2")) {
            argv.add("--backing-chain");
        }
        if (inUse) {
            argv.add("-U");
        }
        argv.add(file);
        String out = run(argv);
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
     * A new qcow2 overlay on {@code backing}, the backing format stated (never probed). The file is
     * claimed with an exclusive create first, so an existing file is never overwritten.
     */
    public void createOverlay(String overlay, String backing, String backingFormat) {
        requireFormat(backingFormat);
        claim(overlay);
        try {
            run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", backing, "-F", backingFormat, overlay));
        } catch (ImageToolException e) {
            removeQuietly(overlay);
            throw e;
        }
        rememberOverlay(overlay, backing, backingFormat);
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
        requireFormat(sourceFormat);
        requireFormat(targetFormat);
        claim(target);
        try {
            runWithProgress(List.of("qemu-img", "convert", "-p", "-f", sourceFormat, "-O", targetFormat, source, target),
                    progress, cancelled);
        } catch (RuntimeException e) {
            removeQuietly(target);
            throw e;
        }
    }

    /**
     * A copy-on-write copy (reflink) where the filesystem can do it; false (and nothing left
     * behind) where it cannot, so the caller falls back to {@link #convert}.
     */
    public boolean reflinkCopy(String source, String target) {
        claim(target);
        Result r = exec(List.of("cp", "--reflink=always", "--", source, target), TIMEOUT_SECONDS);
        if (r.exit() != 0) {
            removeQuietly(target);
            return false;
        }
        return true;
    }

    /** True when both images hold the same data ({@code qemu-img compare}, exit 0). */
    public boolean sameContent(String a, String formatA, String b, String formatB) {
        Result r = exec(List.of("qemu-img", "compare", "-f", formatA, "-F", formatB, a, b), TIMEOUT_SECONDS * 30);
        if (r.exit() > 1) {
            throw new ImageToolException("qemu-img compare failed: " + r.err().strip());
        }
        return r.exit() == 0;
    }

    /** Copies everything the backing chain holds into {@code file} and drops its backing file. */
    public void flatten(String file, DoubleConsumer progress, BooleanSupplier cancelled) {
        runWithProgress(List.of("qemu-img", "rebase", "-p", "-f", "qcow2", "-b", "", file), progress, cancelled);
    }

    /** Read-only for everyone (0444): a sealed template's image. */
    public void makeReadOnly(String file) {
        chmod(file, "r--r--r--");
    }

    /** Back to 0644, so a template's images can be removed or reused. */
    public void makeWritable(String file) {
        chmod(file, "rw-r--r--");
    }

    private static void chmod(String file, String perms) {
        try {
            java.nio.file.Files.setPosixFilePermissions(java.nio.file.Path.of(file),
                    java.nio.file.attribute.PosixFilePermissions.fromString(perms));
        } catch (IOException e) {
            throw new ImageToolException("cannot change the mode of " + file + ": " + e.getMessage());
        }
    }

    /** Renames within a directory, never over an existing file. */
    public void move(String from, String to) {
        try {
            java.nio.file.Files.move(java.nio.file.Path.of(from), java.nio.file.Path.of(to),
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new ImageToolException("file " + to + " already exists; Strata does not overwrite files");
        } catch (IOException e) {
            throw new ImageToolException("cannot rename " + from + " to " + to + ": " + e.getMessage());
        }
    }

    /** Creates the file exclusively: fails when it exists, so nothing is ever overwritten. */
    private static void claim(String file) {
        try {
            java.nio.file.Files.createFile(java.nio.file.Path.of(file));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new ImageToolException("file " + file + " already exists; Strata does not overwrite files");
        } catch (IOException e) {
            throw new ImageToolException("cannot create " + file + ": " + e.getMessage());
        }
    }

    /** Points {@code file} at another backing file without copying (the caller made the data equal). */
    public void rebaseUnsafe(String file, String backing, String backingFormat) {
        requireFormat(backingFormat);
        run(List.of("qemu-img", "rebase", "-u", "-f", "qcow2", "-b", backing, "-F", backingFormat, file));
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
        Result r = exec(argv, TIMEOUT_SECONDS * 10);
        // Exit codes: 0 clean, 1 check not completed, 2 corruptions, 3 leaks only, 63 unsupported.
        if (r.exit == 1 || r.exit == 63 || r.out.isBlank()) {
            throw new ImageToolException("qemu-img check of " + file + " could not run: " + r.err.strip());
        }
        try {
            JsonNode n = json.readTree(r.out);
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

    /** {@code /dir/disk.qcow2} → {@code /dir/disk.<suffix>}: libvirt's own naming, beside the file. */
    public static String sibling(String file, String suffix) {
        java.nio.file.Path p = java.nio.file.Path.of(file);
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return p.resolveSibling(stem + "." + suffix).toString();
    }

    public boolean exists(String file) {
        return java.nio.file.Files.exists(java.nio.file.Path.of(file));
    }

    /**
     * The file's length, or -1 when it is not there. A qcow2 overlay grows cluster by cluster as
     * data lands in it, so its length is what it holds (qemu-img's allocated size costs a process).
     */
    public long fileBytes(String file) {
        try {
            return java.nio.file.Files.size(java.nio.file.Path.of(file));
        } catch (IOException e) {
            return -1;
        }
    }

    /** Deletes an image file Strata made; the caller has proven nothing references it. */
    public void remove(String file) {
        try {
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(file));
        } catch (IOException e) {
            throw new ImageToolException("cannot remove " + file + ": " + e.getMessage());
        }
    }

    public void removeQuietly(String file) {
        try {
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(file));
        } catch (IOException e) {
            // best effort: the caller is already reporting a failure
        }
    }

    private static void requireFormat(String format) {
        if (!"qcow2".equals(format) && !"raw".equals(format)) {
            throw new ImageToolException("image format " + format + " is not handled (only qcow2 and raw are)");
        }
    }

    private static final java.util.regex.Pattern PROGRESS = java.util.regex.Pattern.compile("\\((\\d+(?:\\.\\d+)?)/100%\\)");

    /**
     * Runs a long qemu-img command that prints "(12.34/100%)" progress with {@code -p}; reports
     * it, and kills the process when {@code cancelled} turns true (then throws {@link Cancelled}).
     */
    void runWithProgress(List<String> argv, DoubleConsumer progress, BooleanSupplier cancelled) {
        stream(argv, Map.of(), chunk -> {
            var m = PROGRESS.matcher(chunk);
            if (m.find()) {
                progress.accept(Double.parseDouble(m.group(1)) / 100.0);
            }
        }, cancelled, TimeUnit.DAYS.toSeconds(1));
    }

    /**
     * The one runner for long image commands (qemu-img with progress, virt-sysprep, virt-customize):
     * each piece of standard output ended by CR or LF goes to {@code lines}; the process is
     * stopped when {@code cancelled} turns true ({@link Cancelled}) or the timeout passes; a
     * non-zero exit throws with the command's error output.
     */
    void stream(List<String> argv, Map<String, String> env, java.util.function.Consumer<String> lines,
            BooleanSupplier cancelled, long timeoutSeconds) {
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().putAll(env);
            p = pb.start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new ImageToolException("could not run " + argv.get(0) + ": " + e.getMessage());
        }
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        Thread reader = new Thread(() -> {
            StringBuilder chunk = new StringBuilder();
            try (var in = new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)) {
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
        }, argv.get(0) + "-output");
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

    /** Thrown when a long image command was stopped on request; what it wrote so far stays. */
    public static class Cancelled extends RuntimeException {
        public Cancelled() {
            super("cancelled");
        }
    }

    record Result(int exit, String out, String err) {
    }

    Result exec(List<String> argv, long timeoutSeconds) {
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(argv).start();
            p.getOutputStream().close();
            java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
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

    String run(List<String> argv) {
        Result r = exec(argv, TIMEOUT_SECONDS);
        if (r.exit != 0) {
            throw new ImageToolException(r.err.strip());
        }
        return r.out;
    }
}

package io.strata.imagetool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Backing chains of disk images, read with qemu-img and kept while none of their files changed
 * (same inode, size and mtime): the inventory and every snapshot check read the same chains
 * again and again, and a qemu-img process costs 10–20 ms where a stat costs microseconds.
 */
@ApplicationScoped
public class BackingChains {

    @Inject
    QemuImg qemuImg;
    @Inject
    ImageFiles files;

    private final java.util.concurrent.atomic.AtomicLong toolReads = new java.util.concurrent.atomic.AtomicLong();

    private record CachedChain(List<ImageInfo> chain, List<Object> stamps) {
    }

    /** format:file → chain, the least recently used dropped past 4096. */
    private final Map<String, CachedChain> chains = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CachedChain> eldest) {
            return size() > 4096;
        }
    };

    /**
     * The image chain of a disk, top first. The format is the one the domain XML declares, never
     * guessed: a guest can write a qcow2 header into a raw disk, and a probed header could name
     * any file (or a network source) as its backing file. Always read shared ({@code -U}): this is
     * an observer (pages, planning, other nodes' syncs), and a plain read takes a lock that makes a
     * concurrent {@code qemu-img commit} or QEMU start on a shut-off VM fail with "Failed to get
     * write lock". The stamps tell whether what was read is still current.
     */
    public List<ImageInfo> of(String file, String format) {
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
        if (topBefore == null) {
            // Not there (or not readable here): no qemu-img process to learn that, 10–20 ms each.
            throw new ImageToolException("cannot read " + file + " (missing or not accessible on this node)");
        }
        List<ImageInfo> chain = fromHeader(file, format);
        boolean byTool = chain == null;
        if (byTool) {
            chain = qemuImg.info(file, format, true);
            for (ImageInfo link : chain.subList(Math.min(1, chain.size()), chain.size())) {
                requireInStorage(link.file(), file);
            }
            toolReads.incrementAndGet();
        }
        List<Object> stamps = stamps(chain);
        // Cached only when the top did not change while it was read.
        if (stamps != null && !stamps.isEmpty() && stamps.get(0).equals(topBefore.get(0))) {
            synchronized (chains) {
                chains.put(key, new CachedChain(chain, stamps));
                if (byTool) {
                    // Every image below is the top of its own chain: a later overlay on it (an
                    // external snapshot or revert) or a look at it then needs no process either.
                    for (int i = 1; i < chain.size(); i++) {
                        ImageInfo below = chain.get(i);
                        chains.put(below.format() + ":" + below.file(), new CachedChain(
                                List.copyOf(chain.subList(i, chain.size())), List.copyOf(stamps.subList(i, stamps.size()))));
                    }
                }
            }
        }
        return chain;
    }

    /**
     * The chain without a qemu-img process when the top's header tells all and what lies below is
     * known and unchanged: a qcow2 file whose header declares no backing file, or one
     * whose backing file and format are declared and whose chain is cached and current. What an
     * internal snapshot, a guest's writes or a new overlay change is the top file alone, so a job
     * that did one of these reads its VM again for the price of a header. Null: ask qemu-img.
     * The top's actual size is then its length (qemu-img's allocated size costs a process).
     */
    private List<ImageInfo> fromHeader(String file, String format) {
        if (!format.equals("qcow2")) {
            return null; // a raw file's allocated size (sparse files) is what qemu-img is asked for
        }
        ImageHeaders.Qcow2Header h = ImageHeaders.readQcow2(Path.of(file)).orElse(null);
        if (h == null) {
            return null;
        }
        long bytes = files.fileBytes(file);
        if (h.backingFile() == null) {
            return List.of(new ImageInfo(file, "qcow2", h.virtualSize(), bytes, null, h.snapshots()));
        }
        String fmt = h.backingFormat();
        String name = h.backingFile();
        if (fmt == null || !(fmt.equals("qcow2") || fmt.equals("raw")) || name.isEmpty() || name.contains(":")) {
            return null; // probed format, a protocol or json: qemu-img's rules, not ours
        }
        // As qemu resolves it: relative to the directory of the image that names it.
        String backing = name.startsWith("/") ? name : dirOf(file) + name;
        CachedChain below;
        synchronized (chains) {
            below = chains.get(fmt + ":" + backing);
        }
        if (below == null || below.chain().stream().anyMatch(i -> i.file().equals(file))
                || !below.stamps().equals(stamps(below.chain()))) {
            return null;
        }
        requireInStorage(backing, file);
        List<ImageInfo> chain = new ArrayList<>();
        chain.add(new ImageInfo(file, "qcow2", h.virtualSize(), bytes, backing, h.snapshots()));
        chain.addAll(below.chain());
        return List.copyOf(chain);
    }

    private static String dirOf(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? "" : file.substring(0, slash + 1);
    }

    /** How many chains were read with a qemu-img process (for tests and the DEBUG counts of issue 13). */
    public long toolReads() {
        return toolReads.get();
    }

    /**
     * Strata runs qemu-img as root: a header naming {@code /etc/shadow} (a hand-made image, or a
     * raw disk a guest filled) must not be read, rebased onto or flattened into a guest's disk.
     * The disk itself may lie elsewhere (the domain's definition names it, not an image header):
     * Strata reads it but never creates or removes files there ({@link ImageFiles}).
     */
    private void requireInStorage(String link, String disk) {
        if (!files.inStorage(link)) {
            throw new ImageToolException("the chain of " + disk + " holds " + link
                    + ", which lies outside the storage directories; Strata does not follow it");
        }
    }

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
        chain.add(new ImageInfo(overlay, "qcow2", below.chain().get(0).virtualSize(), files.fileBytes(overlay), backing, 0));
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
            List<Object> stamp = ImageFiles.stamp(i.file());
            if (stamp == null) {
                return null;
            }
            out.add(stamp);
        }
        return out;
    }
}

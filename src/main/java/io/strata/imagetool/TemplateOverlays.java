package io.strata.imagetool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Thin overlays on a template image, many at a time (a batch of 100 VMs): the first made by
 * {@code qemu-img create -f qcow2 -b … -F …}, the next ones copies of its bytes. A new overlay's
 * file holds nothing of its own: its header names the backing file, the backing format and the
 * backing's virtual size, so every overlay qemu-img makes on one unchanged backing file is the
 * same bytes (whatever its own name). A copy is a write of ~200 KiB where a qemu-img process
 * costs 10–20 ms. Kept only while the backing file is unchanged (same inode, size and mtime: a
 * resize changes them) and only as long as this app runs (the same qemu-img made it).
 */
@ApplicationScoped
public class TemplateOverlays {

    /** An overlay's file is a few clusters; anything bigger is not a fresh overlay and is not kept. */
    static final int MAX_BYTES = 1 << 20;

    @Inject
    QemuImg qemuImg;
    @Inject
    ImageFiles files;

    private record Fresh(List<Object> backingStamp, byte[] bytes) {
    }

    /** format:backing → a fresh overlay's bytes, the least recently used dropped past 64. */
    private final Map<String, Fresh> fresh = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Fresh> eldest) {
            return size() > 64;
        }
    };

    /**
     * A new qcow2 overlay on {@code backing}, as {@link QemuImg#createOverlay} makes it. The file is
     * claimed with an exclusive create first, so an existing file is never overwritten; on a
     * failure nothing is left.
     */
    public void create(String overlay, String backing, String backingFormat) {
        String key = backingFormat + ":" + backing;
        List<Object> stamp = ImageFiles.stamp(backing);
        Fresh known;
        synchronized (fresh) {
            known = fresh.get(key);
        }
        if (stamp != null && known != null && known.backingStamp().equals(stamp)) {
            files.claim(overlay);
            // Written through the claimed file itself (not a link put in its place) and flushed: the
            // VM is defined on it next, and a power loss must not leave it empty.
            try (FileChannel ch = FileChannel.open(Path.of(overlay), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buf = ByteBuffer.wrap(known.bytes());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            } catch (IOException e) {
                files.removeQuietly(overlay);
                throw new ImageToolException("cannot write " + overlay + ": " + e.getMessage());
            }
            return;
        }
        qemuImg.createOverlay(overlay, backing, backingFormat);
        // Kept only when the backing did not change while qemu-img read it.
        if (stamp != null && stamp.equals(ImageFiles.stamp(backing))) {
            try {
                Path p = Path.of(overlay);
                if (Files.size(p) <= MAX_BYTES) {
                    byte[] bytes = Files.readAllBytes(p);
                    synchronized (fresh) {
                        fresh.put(key, new Fresh(stamp, bytes));
                    }
                }
            } catch (IOException | InvalidPathException e) {
                // not kept: the next overlay is made by qemu-img again
            }
        }
    }
}

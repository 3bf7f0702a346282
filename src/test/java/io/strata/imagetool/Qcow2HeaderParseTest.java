package io.strata.imagetool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The qcow2 header reader on hand-made headers: it reads what qemu reads, and gives up (so that
 * qemu-img reads the chain) on anything qemu would read differently. The headers qemu-img itself
 * writes are checked against qemu-img in {@link HeaderChainsTest}.
 */
class Qcow2HeaderParseTest {

    private static final int EXT_BACKING_FORMAT = 0xe2792aca;

    /** A v3 header as qemu-img writes it: header_length 112, the backing format extension, the end marker, then the name. */
    private static ByteBuffer header(int headerLength, int backingOffset, String backing, String format, long incompatible) {
        ByteBuffer b = ByteBuffer.allocate(65536);
        b.put(0, new byte[] { 'Q', 'F', 'I', (byte) 0xfb });
        b.putInt(4, 3);
        byte[] name = backing.getBytes(StandardCharsets.UTF_8);
        b.putLong(8, backingOffset);
        b.putInt(16, name.length);
        b.putInt(20, 16); // 64 KiB clusters
        b.putLong(24, 1L << 30);
        b.putLong(72, incompatible);
        b.putInt(100, headerLength);
        int at = headerLength;
        if (format != null) {
            b.putInt(at, EXT_BACKING_FORMAT);
            b.putInt(at + 4, format.length());
            b.put(at + 8, format.getBytes(StandardCharsets.US_ASCII));
            at += 8 + ((format.length() + 7) & ~7);
        }
        b.putInt(at, 0);
        b.putInt(at + 4, 0);
        b.put(backingOffset, name);
        return b;
    }

    @Test
    void readsWhatQemuImgWrites() {
        var h = ImageHeaders.parseQcow2(header(112, 144, "base.qcow2", "qcow2", 0)).orElseThrow();
        assertEquals(1L << 30, h.virtualSize());
        assertEquals("base.qcow2", h.backingFile());
        assertEquals("qcow2", h.backingFormat());
        assertEquals(0, h.snapshots());
    }

    /**
     * qemu reads extensions only up to the backing file's name: a format extension placed after
     * it is not seen by qemu, which then probes the backing file (a raw disk whose guest wrote a
     * qcow2 header naming a host file). The reader must not take that format.
     */
    @Test
    void anExtensionWhereQemuDoesNotLookIsNotTaken() {
        ByteBuffer b = header(1024, 200, "victim.img", "raw", 0);
        // The name at 200 lies inside what the header says is its own part: qemu stops there.
        assertTrue(ImageHeaders.parseQcow2(b).isEmpty());
    }

    @Test
    void noEndMarkerBeforeTheNameGivesUp() {
        ByteBuffer b = header(112, 144, "base.qcow2", "qcow2", 0);
        b.putInt(128, 0x12345678); // the end marker overwritten by an unknown extension running into the name
        b.putInt(132, 64);
        assertTrue(ImageHeaders.parseQcow2(b).isEmpty());
    }

    @Test
    void namesWithControlCharactersOrBadUtf8GiveUp() {
        assertTrue(ImageHeaders.parseQcow2(header(112, 144, "base\n.qcow2", "qcow2", 0)).isEmpty());
        ByteBuffer b = header(112, 144, "base.qcow2", "qcow2", 0);
        b.put(145, (byte) 0xff);
        assertTrue(ImageHeaders.parseQcow2(b).isEmpty());
    }

    @Test
    void unknownIncompatibleFeaturesGiveUp() {
        assertTrue(ImageHeaders.parseQcow2(header(112, 144, "base.qcow2", "qcow2", 1L << 1)).isEmpty(), "corrupt");
        assertTrue(ImageHeaders.parseQcow2(header(112, 144, "base.qcow2", "qcow2", 1L << 2)).isEmpty(), "external data file");
        assertTrue(ImageHeaders.parseQcow2(header(112, 144, "base.qcow2", "qcow2", 1L << 7)).isEmpty(), "unknown");
        assertTrue(ImageHeaders.parseQcow2(header(112, 144, "base.qcow2", "qcow2", 1L)).isPresent(), "dirty is known");
    }
}

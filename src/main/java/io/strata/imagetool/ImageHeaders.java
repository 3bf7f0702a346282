package io.strata.imagetool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * The first bytes of a file, to tell a qcow2 image from anything else without a process: a scan
 * over thousands of files cannot afford a qemu-img per file.
 */
public final class ImageHeaders {

    private static final byte[] QCOW2_MAGIC = { 'Q', 'F', 'I', (byte) 0xfb };
    private static final int EXT_END = 0;
    private static final int EXT_BACKING_FORMAT = 0xe2792aca;
    private static final int EXT_DATA_FILE = 0x44415441;
    /** Incompatible features whose image the header still describes: dirty (bit 0), compression type (3), extended L2 (4). */
    private static final long KNOWN_INCOMPATIBLE = 0b11001;
    private static final int MAX_HEADER = 64 * 1024;

    private ImageHeaders() {
    }

    /**
     * What a qcow2 header says (the QEMU qcow2 spec, docs/interop/qcow2.txt): the virtual size, the
     * backing file as written (may be relative) and its declared format (null when none is
     * declared), and the number of internal snapshots.
     */
    public record Qcow2Header(long virtualSize, String backingFile, String backingFormat, int snapshots) {
    }

    /** Whether the file starts with the qcow2 magic; false when it cannot be read. */
    public static boolean isQcow2(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), QCOW2_MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The header of a qcow2 file, read in place of a {@code qemu-img info} process; empty when the
     * file is not a plain qcow2 image whose header tells all (not qcow2, version other than 2 or 3,
     * encrypted, marked corrupt, with an external data file, unreadable or inconsistent): the caller
     * then asks qemu-img.
     */
    public static Optional<Qcow2Header> readQcow2(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(MAX_HEADER, ch.size()));
            while (b.hasRemaining() && ch.read(b) > 0) {
                // read the first bytes whole
            }
            b.flip();
            return parseQcow2(b);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * {@link #readQcow2} on bytes already read (big-endian, from offset 0). Anything qemu would read
     * differently, or that this reader does not know, gives empty (qemu-img then reads the chain):
     * the extensions are read where qemu reads them, between the header's end and the backing
     * file's name (or the first cluster's end), and must end with an end marker; only the
     * incompatible features dirty, compression type and extended L2 are known.
     */
    static Optional<Qcow2Header> parseQcow2(ByteBuffer b) {
        if (b.limit() < 72) {
            return Optional.empty();
        }
        byte[] magic = new byte[4];
        b.get(0, magic);
        int version = b.getInt(4);
        if (!Arrays.equals(magic, QCOW2_MAGIC) || (version != 2 && version != 3) || b.getInt(32) != 0) {
            return Optional.empty();
        }
        long backingOffset = b.getLong(8);
        int backingSize = b.getInt(16);
        int clusterBits = b.getInt(20);
        long size = b.getLong(24);
        int snapshots = b.getInt(60);
        if (clusterBits < 9 || clusterBits > 21 || size < 0 || snapshots < 0 || snapshots > 65536) {
            return Optional.empty();
        }
        long clusterSize = 1L << clusterBits;
        long extStart = 72;
        if (version == 3) {
            if (b.limit() < 104 || (b.getLong(72) & ~KNOWN_INCOMPATIBLE) != 0) {
                return Optional.empty();
            }
            extStart = Integer.toUnsignedLong(b.getInt(100));
            if (extStart < 104) {
                return Optional.empty();
            }
        }
        String backing = null;
        if (backingOffset != 0) {
            if (backingOffset < extStart || backingOffset > clusterSize || backingSize <= 0 || backingSize > 1023
                    || backingOffset + backingSize > b.limit()) {
                return Optional.empty();
            }
            byte[] name = new byte[backingSize];
            b.get((int) backingOffset, name);
            backing = text(name);
            if (backing == null) {
                return Optional.empty();
            }
        }
        // qemu reads extensions up to the backing file's name, or the end of the first cluster.
        long extEnd = Math.min(backingOffset != 0 ? backingOffset : clusterSize, b.limit());
        String backingFormat = null;
        long at = extStart;
        while (true) {
            if (at + 8 > extEnd) {
                return Optional.empty(); // no end marker where qemu looks for one
            }
            int type = b.getInt((int) at);
            long len = Integer.toUnsignedLong(b.getInt((int) at + 4));
            if (type == EXT_END) {
                break;
            }
            if (at + 8 + len > extEnd) {
                return Optional.empty();
            }
            if (type == EXT_DATA_FILE) {
                return Optional.empty();
            }
            if (type == EXT_BACKING_FORMAT) {
                if (backingFormat != null || len == 0 || len > 15) {
                    return Optional.empty();
                }
                byte[] fmt = new byte[(int) len];
                b.get((int) at + 8, fmt);
                backingFormat = text(fmt);
                if (backingFormat == null) {
                    return Optional.empty();
                }
            }
            at += 8 + ((len + 7) & ~7L);
        }
        return Optional.of(new Qcow2Header(size, backing, backingFormat, snapshots));
    }

    /** Strict UTF-8 without control characters (a name that could read as another file's), else null. */
    private static String text(byte[] bytes) {
        String t;
        try {
            t = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        return t.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? null : t;
    }
}

package io.strata.imagetool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The first bytes of a file, to tell a qcow2 image from anything else without a process: a scan
 * over thousands of files cannot afford a qemu-img per file.
 */
public final class ImageHeaders {

    private static final byte[] QCOW2_MAGIC = { 'Q', 'F', 'I', (byte) 0xfb };

    private ImageHeaders() {
    }

    /** Whether the file starts with the qcow2 magic; false when it cannot be read. */
    public static boolean isQcow2(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), QCOW2_MAGIC);
        } catch (IOException e) {
            return false;
        }
    }
}

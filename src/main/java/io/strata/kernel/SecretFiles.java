package io.strata.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/** Key files: owner-only (0600), created once and never replaced. */
public final class SecretFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretFiles() {
    }

    /**
     * Writes a new random key of {@code bytes} bytes (hex, one line) to {@code file} unless it exists:
     * written to a file of its own, then hard-linked to its name (which fails if the name exists,
     * atomically), so another process starting at the same moment reads either no file or a whole
     * key. Returns true when this call created it, false when the file was there already.
     */
    public static boolean createKey(Path file, int bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        byte[] k = new byte[bytes];
        SecureRandom random = new SecureRandom();
        random.nextBytes(k);
        Path tmp = file.resolveSibling(file.getFileName() + ".new-" + Long.toHexString(random.nextLong()));
        try (SeekableByteChannel ch = Files.newByteChannel(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            ch.write(ByteBuffer.wrap((HexFormat.of().formatHex(k) + "\n").getBytes(StandardCharsets.US_ASCII)));
        }
        try {
            Files.setPosixFilePermissions(tmp, OWNER_ONLY); // exactly 0600, whatever the umask made of it
            Files.createLink(file, tmp);
            return true;
        } catch (FileAlreadyExistsException another) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

package io.strata.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionKeyFileTest {

    @TempDir
    Path dir;

    @Test
    void aKeyIsMadeOnceOwnerOnlyAndThenReused() throws Exception {
        Path file = dir.resolve("sub/session.key");
        String first = SessionKeyFile.readOrCreate(file);
        assertTrue(first != null && first.matches("[0-9a-f]{64}"), "32 random bytes in hex: " + first);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(first, SessionKeyFile.readOrCreate(file), "the same key on the next start");
        assertNotEquals(first, SessionKeyFile.readOrCreate(dir.resolve("other.key")), "random");
    }

    @Test
    void anExistingFileIsNeverReplacedAndATooShortKeyIsNotUsed() throws Exception {
        Path file = dir.resolve("session.key");
        Files.writeString(file, "short\n");
        assertNull(SessionKeyFile.readOrCreate(file), "a key under 32 characters is no key");
        assertEquals("short\n", Files.readString(file), "and the file is left as it was");
    }

    @Test
    void aKeyFileThatIsALinkOrReadableByOthersIsNotTrusted() throws Exception {
        Path readable = dir.resolve("machine-id");
        Files.writeString(readable, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
        assertNull(SessionKeyFile.readOrCreate(readable), "a key others can read is no key");
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("session.key"), readable);
        assertNull(SessionKeyFile.readOrCreate(link), "a link is not followed, even to a private file");
        assertEquals("0123456789abcdef0123456789abcdef", SessionKeyFile.readOrCreate(readable), "the private file itself is");
    }

    @Test
    void theConfigSourceGivesOnlyTheSessionKey() {
        SessionKeyFile source = new SessionKeyFile();
        assertNull(source.getValue("quarkus.datasource.password"));
        assertEquals(240, source.getOrdinal(), "below application.properties and the environment");
    }
}

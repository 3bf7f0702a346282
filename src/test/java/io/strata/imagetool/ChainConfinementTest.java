package io.strata.imagetool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import io.strata.support.Processes;

/** A backing file outside the storage directories is never followed (real qemu-img, real files). */
class ChainConfinementTest {

    @TempDir
    Path storage;
    @TempDir
    Path elsewhere;

    @Test
    void aChainThatLeavesTheStorageDirectoriesIsRefused() throws Exception {
        BackingChains chains = chains();
        Path secret = elsewhere.resolve("secret.raw");
        Files.write(secret, new byte[65536]);
        Path overlay = storage.resolve("guest.qcow2");
        assertEquals(0, Processes.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", secret.toString(), "-F", "raw",
                overlay.toString()).exit());

        ImageToolException e = assertThrows(ImageToolException.class, () -> chains.of(overlay.toString(), "qcow2"));
        assertTrue(e.getMessage().contains(secret.toString()) && e.getMessage().contains("outside the storage"), e.getMessage());
    }

    @Test
    void aSymlinkIntoStorageDoesNotMakeAnOutsideFileInside() throws Exception {
        BackingChains chains = chains();
        Path secret = elsewhere.resolve("secret.raw");
        Files.write(secret, new byte[65536]);
        Path link = storage.resolve("looks-inside.raw");
        Files.createSymbolicLink(link, secret);
        Path overlay = storage.resolve("guest.qcow2");
        Processes.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", link.toString(), "-F", "raw", overlay.toString());
        assertThrows(ImageToolException.class, () -> chains.of(overlay.toString(), "qcow2"));
    }

    @Test
    void aChainInsideIsRead() throws Exception {
        BackingChains chains = chains();
        Path base = storage.resolve("base.raw");
        Files.write(base, new byte[65536]);
        Path overlay = storage.resolve("top.qcow2");
        Processes.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "raw", overlay.toString());
        List<ImageInfo> chain = chains.of(overlay.toString(), "qcow2");
        assertEquals(List.of(overlay.toString(), base.toString()), chain.stream().map(ImageInfo::file).toList());
    }

    private BackingChains chains() {
        return ImageTools.chains(storage);
    }
}

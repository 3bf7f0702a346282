package io.strata.imagetool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import io.strata.support.Processes;

/**
 * Chains read from qcow2 headers in Java instead of a qemu-img process (issue 13): the same
 * answer as qemu-img for what a header holds, on real files made with qemu-img.
 */
class HeaderChainsTest {

    @TempDir
    Path storage;

    private static void qemuImg(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "qemu-img";
        System.arraycopy(args, 0, argv, 1, args.length);
        Processes.Result r = Processes.run(argv);
        assertEquals(0, r.exit(), r.err());
    }

    @Test
    void theHeaderSaysWhatQemuImgSays() {
        Path base = storage.resolve("base.qcow2");
        Path top = storage.resolve("top.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", base.toString(), "64M");
        qemuImg("create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", top.toString(), "128M");
        qemuImg("snapshot", "-c", "s1", top.toString());
        qemuImg("snapshot", "-c", "s2", top.toString());

        ImageHeaders.Qcow2Header h = ImageHeaders.readQcow2(top).orElseThrow();
        List<ImageInfo> tool = qemuImg().info(top.toString(), "qcow2", true);
        assertEquals(tool.get(0).virtualSize(), h.virtualSize());
        assertEquals(128L << 20, h.virtualSize());
        assertEquals(base.toString(), h.backingFile());
        assertEquals("qcow2", h.backingFormat());
        assertEquals(2, h.snapshots());
        assertEquals(tool.get(0).internalSnapshots(), h.snapshots());

        ImageHeaders.Qcow2Header b = ImageHeaders.readQcow2(base).orElseThrow();
        assertNull(b.backingFile());
        assertEquals(0, b.snapshots());
        assertEquals(64L << 20, b.virtualSize());
    }

    @Test
    void notAPlainQcow2IsLeftToQemuImg() throws Exception {
        Path raw = storage.resolve("disk.raw");
        Files.write(raw, new byte[4096]);
        assertTrue(ImageHeaders.readQcow2(raw).isEmpty());
        Path withDataFile = storage.resolve("split.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", "-o", "data_file=" + storage.resolve("split.data"), withDataFile.toString(), "16M");
        assertTrue(ImageHeaders.readQcow2(withDataFile).isEmpty(), "an external data file is not in the header's story");
        // A header cut short or pointing past its end is not believed.
        byte[] head = Files.readAllBytes(storage.resolve("split.qcow2"));
        assertTrue(ImageHeaders.parseQcow2(ByteBuffer.wrap(head, 0, 50).slice()).isEmpty());
    }

    @Test
    void anInternalSnapshotOrANewOverlayIsReadWithoutAProcess() {
        BackingChains chains = chains();
        Path base = storage.resolve("base.raw");
        Path mid = storage.resolve("mid.qcow2");
        qemuImg("create", "-q", "-f", "raw", base.toString(), "32M");
        qemuImg("create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "raw", mid.toString());
        List<ImageInfo> first = chains.of(mid.toString(), "qcow2");
        assertEquals(1, chains.toolReads());

        // An internal snapshot changes the top file only: its header gives the new chain.
        qemuImg("snapshot", "-c", "s1", mid.toString());
        List<ImageInfo> afterSnapshot = chains.of(mid.toString(), "qcow2");
        assertEquals(1, chains.toolReads(), "no qemu-img process after an internal snapshot");
        assertEquals(1, afterSnapshot.get(0).internalSnapshots());
        assertSameChain(qemuImg().info(mid.toString(), "qcow2", true), afterSnapshot);
        // The same chain as before but for the top's snapshot count.
        assertSameChain(first.subList(1, 2), afterSnapshot.subList(1, 2));
        assertEquals(first.get(0).backingFile(), afterSnapshot.get(0).backingFile());

        // A new overlay on it, named relative to its own directory as qemu resolves it.
        Path top = storage.resolve("top.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", top.toString());
        List<ImageInfo> overlay = chains.of(top.toString(), "qcow2");
        assertEquals(1, chains.toolReads(), "no qemu-img process for an overlay on a known chain");
        assertSameChain(qemuImg().info(top.toString(), "qcow2", true), overlay);

        // An overlay on the raw base alone (a revert's new overlay on an older image): its chain was
        // learnt as part of the first one.
        Path other = storage.resolve("other.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "raw", other.toString());
        assertSameChain(qemuImg().info(other.toString(), "qcow2", true), chains.of(other.toString(), "qcow2"));
        assertEquals(1, chains.toolReads());
    }

    @Test
    void aBackingFileOutsideStorageIsStillRefused() throws Exception {
        BackingChains chains = chains();
        Path inside = storage.resolve("inside.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", inside.toString(), "16M");
        chains.of(inside.toString(), "qcow2");
        // Rebased (header only) onto a file outside storage: the header path must not skip the check.
        Path outside = Files.createTempFile("outside", ".qcow2");
        try {
            qemuImg("create", "-q", "-f", "qcow2", outside.toString(), "16M");
            qemuImg("rebase", "-u", "-b", outside.toString(), "-F", "qcow2", inside.toString());
            org.junit.jupiter.api.Assertions.assertThrows(ImageToolException.class, () -> chains.of(inside.toString(), "qcow2"));
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    /** File, format, virtual size, backing file and snapshot count (the actual size is the file's length here). */
    private static void assertSameChain(List<ImageInfo> expected, List<ImageInfo> actual) {
        assertEquals(expected.stream().map(HeaderChainsTest::facts).toList(), actual.stream().map(HeaderChainsTest::facts).toList());
    }

    private static List<Object> facts(ImageInfo i) {
        return List.of(i.file(), i.format(), i.virtualSize(), String.valueOf(i.backingFile()), i.internalSnapshots());
    }

    private QemuImg qemuImg() {
        return chains().qemuImg;
    }

    private BackingChains chains() {
        return ImageTools.chains(storage);
    }
}

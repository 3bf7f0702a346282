package io.strata.imagetool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.strata.support.Processes;

/** Overlays on a template: the first made by qemu-img, the next ones its bytes (real qemu-img, real files). */
class TemplateOverlaysTest {

    @TempDir
    Path storage;

    /** The overlays qemu-img was asked to create. */
    final List<String> byQemuImg = new ArrayList<>();

    @Test
    void onlyTheFirstOverlayOfAnUnchangedBackingRunsQemuImgAndTheOthersAreTheSameBytes() throws Exception {
        TemplateOverlays overlays = overlays();
        Path base = storage.resolve("template.qcow2");
        Processes.run("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "1G");
        for (String vm : List.of("a", "b", "c")) {
            overlays.create(storage.resolve(vm + ".qcow2").toString(), base.toString(), "qcow2");
        }
        assertEquals(List.of(storage.resolve("a.qcow2").toString()), byQemuImg, "one qemu-img create for three overlays");
        // What qemu-img itself makes of the same request, for comparison.
        Path reference = storage.resolve("reference.qcow2");
        Processes.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", reference.toString());
        for (String vm : List.of("b", "c")) {
            Path p = storage.resolve(vm + ".qcow2");
            assertArrayEquals(Files.readAllBytes(reference), Files.readAllBytes(p), vm + " is what qemu-img makes");
            assertEquals(List.of(p.toString(), base.toString()), chain(p), vm + "'s chain ends in the template");
        }
    }

    @Test
    void aChangedBackingIsReadByQemuImgAgain() throws Exception {
        TemplateOverlays overlays = overlays();
        Path base = storage.resolve("template.qcow2");
        Processes.run("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "1G");
        overlays.create(storage.resolve("a.qcow2").toString(), base.toString(), "qcow2");
        Processes.run("qemu-img", "resize", "-q", "-f", "qcow2", base.toString(), "2G");
        overlays.create(storage.resolve("b.qcow2").toString(), base.toString(), "qcow2");
        assertEquals(2, byQemuImg.size(), "the resized backing is read again: " + byQemuImg);
        String info = Processes.run("qemu-img", "info", "--output=json", "-U", storage.resolve("b.qcow2").toString()).out();
        assertTrue(info.contains("\"virtual-size\": 2147483648"), info);
    }

    @Test
    void anExistingFileIsNeverOverwrittenByACopy() throws Exception {
        TemplateOverlays overlays = overlays();
        Path base = storage.resolve("template.qcow2");
        Processes.run("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "1G");
        overlays.create(storage.resolve("a.qcow2").toString(), base.toString(), "qcow2");
        Path taken = storage.resolve("taken.qcow2");
        Files.writeString(taken, "someone's data");
        assertThrows(ImageToolException.class, () -> overlays.create(taken.toString(), base.toString(), "qcow2"));
        assertEquals("someone's data", Files.readString(taken));
    }

    private static List<String> chain(Path overlay) throws Exception {
        String out = Processes.run("qemu-img", "info", "--output=json", "--backing-chain", "-U", overlay.toString()).out();
        List<String> files = new ArrayList<>();
        new ObjectMapper().readTree(out).forEach(n -> files.add(n.path("filename").asText()));
        return files;
    }

    private TemplateOverlays overlays() {
        ImageFiles files = ImageTools.files(storage);
        QemuImg qemuImg = ImageTools.wire(new QemuImg() {
            @Override
            public void createOverlay(String overlay, String backing, String backingFormat) {
                byQemuImg.add(overlay);
                super.createOverlay(overlay, backing, backingFormat);
            }
        }, files);
        TemplateOverlays overlays = new TemplateOverlays();
        overlays.qemuImg = qemuImg;
        overlays.files = files;
        return overlays;
    }
}

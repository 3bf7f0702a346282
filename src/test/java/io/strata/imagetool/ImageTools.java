package io.strata.imagetool;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The image-tool beans wired by hand on one storage directory, for plain unit tests (no CDI). */
final class ImageTools {

    private ImageTools() {
    }

    static ImageFiles files(Path storage) {
        ImageFiles files = new ImageFiles();
        files.processes = new ProcessRunner();
        files.storageDirs = List.of(storage.toString());
        return files;
    }

    /** {@code qemuImg} (a subclass, to count its calls) wired to {@code files}. */
    static <T extends QemuImg> T wire(T qemuImg, ImageFiles files) {
        qemuImg.json = new ObjectMapper();
        qemuImg.processes = files.processes;
        qemuImg.files = files;
        return qemuImg;
    }

    static BackingChains chains(Path storage) {
        ImageFiles files = files(storage);
        BackingChains chains = new BackingChains();
        chains.qemuImg = wire(new QemuImg(), files);
        chains.files = files;
        return chains;
    }
}

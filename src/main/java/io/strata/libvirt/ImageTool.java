package io.strata.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs qemu-img as a child process with an argv list (never a shell string), and parses its JSON.
 */
@ApplicationScoped
public class ImageTool {

    private static final long TIMEOUT_SECONDS = 60;

    @Inject
    ObjectMapper json;

    /**
     * The image chain of a disk, top first. On a running domain QEMU holds a write lock on the
     * image, so the read is done with {@code -U} (force share): a read-only look at metadata.
     */
    public List<ImageInfo> backingChain(String file, boolean inUse) {
        List<String> argv = new ArrayList<>(List.of("qemu-img", "info", "--output=json", "--backing-chain"));
        if (inUse) {
            argv.add("-U");
        }
        argv.add(file);
        String out = run(argv);
        try {
            List<ImageInfo> chain = new ArrayList<>();
            for (JsonNode n : json.readTree(out)) {
                chain.add(new ImageInfo(n.path("filename").asText(), n.path("format").asText(),
                        n.path("virtual-size").asLong(), n.path("actual-size").asLong(),
                        n.hasNonNull("full-backing-filename") ? n.get("full-backing-filename").asText()
                                : n.hasNonNull("backing-filename") ? n.get("backing-filename").asText() : null,
                        n.path("snapshots").size()));
            }
            return chain;
        } catch (IOException e) {
            throw new ImageToolException("unreadable qemu-img output for " + file + ": " + e.getMessage());
        }
    }

    String run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ImageToolException(argv.get(0) + " " + argv.get(1) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new ImageToolException(new String(err, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImageToolException("could not run " + argv.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageToolException(argv.get(0) + " interrupted");
        }
    }
}

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
     * The image chain of a disk, top first. The format is the one the domain XML declares, never
     * guessed: a guest can write a qcow2 header into a raw disk, and a probed header could name
     * any file (or a network source) as its backing file. On a running domain QEMU holds a write
     * lock on the image, so the read is done with {@code -U} (force share): a read-only look.
     */
    public List<ImageInfo> backingChain(String file, String format, boolean inUse) {
        if (format == null || !(format.equals("qcow2") || format.equals("raw"))) {
            throw new ImageToolException("disk format " + format + " is not inspected (only qcow2 and raw are)");
        }
        List<String> argv = new ArrayList<>(List.of("qemu-img", "info", "--output=json", "-f", format));
        if (format.equals("qcow2")) {
            argv.add("--backing-chain");
        }
        if (inUse) {
            argv.add("-U");
        }
        argv.add(file);
        String out = run(argv);
        try {
            List<ImageInfo> chain = new ArrayList<>();
            JsonNode root = json.readTree(out);
            for (JsonNode n : root.isArray() ? root : json.createArrayNode().add(root)) {
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

package io.strata.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.strata.audit.ChainVerification.Kind;

/**
 * The anchor file: an append-only text file outside the database where the verified chain head
 * (sequence, seal) is written, one line at a time. It is only ever opened with APPEND, never
 * rewritten; verify compares the table against it, so a deleted tail, a re-sealed range or an
 * older copy of the table is seen even by someone who could rewrite the whole database.
 */
@ApplicationScoped
public class AuditAnchors {

    private static final int TAIL_BYTES = 8192;

    @ConfigProperty(name = "strata.audit.anchor-file", defaultValue = "/var/lib/strata/audit-anchors")
    Path file;

    /** The largest size this process saw the file at: a smaller file was rewritten. */
    private volatile long seenSize = -1;

    Path file() {
        return file;
    }

    /** Appends one anchor line (the file is created owner-only on first use). */
    synchronized void append(Anchor a) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.write(ByteBuffer.wrap(a.line().getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
            seenSize = Math.max(seenSize, ch.size());
        }
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** The latest anchor line, read from the file's tail (cheap at any file size); null when none. */
    Anchor latest(List<ChainVerification.Finding> findings) throws IOException {
        if (!Files.exists(file)) {
            shrinkCheck(0, findings);
            return null;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            shrinkCheck(size, findings);
            int n = (int) Math.min(size, TAIL_BYTES);
            ByteBuffer buf = ByteBuffer.allocate(n);
            ch.read(buf, size - n);
            String[] lines = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                Anchor a = Anchor.parse(lines[i]);
                if (a != null) {
                    return a;
                }
            }
            return null;
        }
    }

    /** Every anchor, by sequence (the latest line for a sequence wins), and the latest one. */
    record All(Map<Long, Anchor> bySeq, Anchor latest, List<Anchor> forged) {
    }

    All all(List<ChainVerification.Finding> findings, byte[] key, String fingerprint) throws IOException {
        Map<Long, Anchor> bySeq = new HashMap<>();
        Anchor latest = null;
        java.util.ArrayList<Anchor> forged = new java.util.ArrayList<>();
        if (!Files.exists(file)) {
            shrinkCheck(0, findings);
            return new All(bySeq, null, forged);
        }
        shrinkCheck(Files.size(file), findings);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null) {
                Anchor a = Anchor.parse(line);
                if (a == null) {
                    continue;
                }
                if (key != null && a.keyFingerprint().equals(fingerprint) && !a.sealedWith(key)) {
                    forged.add(a);
                    continue;
                }
                bySeq.put(a.seq(), a);
                latest = a;
            }
        }
        return new All(bySeq, latest, forged);
    }

    private void shrinkCheck(long size, List<ChainVerification.Finding> findings) {
        if (seenSize > 0 && size < seenSize) {
            findings.add(new ChainVerification.Finding(Kind.ANCHOR_FORGED, null, null, "the anchor file " + file + " shrank from " + seenSize + " to " + size
                    + " bytes since this node wrote to it: it was rewritten or replaced"));
        }
    }
}

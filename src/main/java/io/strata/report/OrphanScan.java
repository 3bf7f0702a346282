package io.strata.report;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.imagetool.ImageHeaders;
import io.strata.imagetool.ImageInfo;
import io.strata.imagetool.ImageToolException;
import io.strata.imagetool.QemuImg;

/**
 * Finds orphan image files: walks each directory of the inventory (its entries, not below them)
 * one entry at a time and hands every orphan to a sink, so memory does not grow with the number
 * of files. qemu-img runs only for image files nothing references, for their evidence.
 */
@ApplicationScoped
public class OrphanScan {

    @Inject
    QemuImg qemuImg;

    /** An orphan and the host whose directory holds it. */
    record Found(String host, OrphanRules.Orphan orphan) {
    }

    /** How much was looked at. */
    record Counts(long files, long images, long orphans) {
    }

    Counts scan(HostInventory.Inventory inv, Consumer<Found> sink, Runnable checkCancelled) {
        long files = 0;
        long images = 0;
        long orphans = 0;
        for (Map.Entry<String, String> dir : inv.directoryHost().entrySet()) {
            Path d = Path.of(dir.getKey());
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
                for (Path p : entries) {
                    if (!Files.isRegularFile(p)) {
                        continue;
                    }
                    files++;
                    if (files % 500 == 0) {
                        checkCancelled.run();
                    }
                    String name = p.getFileName().toString();
                    if (!OrphanRules.isImageCandidate(name, false) && !ImageHeaders.isQcow2(p)) {
                        continue;
                    }
                    images++;
                    OrphanRules.Orphan o = judge(inv.refs(), p);
                    if (o != null) {
                        orphans++;
                        sink.accept(new Found(dir.getValue(), o));
                    }
                }
            } catch (IOException e) {
                throw new ImageToolException("cannot list " + d + ": " + e.getMessage());
            }
        }
        return new Counts(files, images, orphans);
    }

    /** The orphan with its evidence, or null when something references the file (or it is gone). */
    OrphanRules.Orphan judge(FileReferences refs, Path p) {
        String file = refs.normalise(p.toString());
        if (refs.referrer(file) != null) {
            return null;
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
            return null; // removed while we looked
        }
        String format = null;
        String backing = null;
        boolean backingExists = false;
        String error = null;
        try {
            ImageInfo info = qemuImg.probe(p.toString());
            format = info.format();
            if (info.backingFile() != null && !info.backingFile().isBlank()) {
                Path b = p.resolveSibling(info.backingFile()); // a relative backing file is relative to the overlay
                backing = refs.normalise(b.toString());
                backingExists = Files.exists(b);
            }
        } catch (ImageToolException e) {
            error = e.getMessage();
        }
        return OrphanRules.judge(new OrphanRules.Evidence(file, a.size(), a.lastModifiedTime().toInstant(), format,
                backing, backingExists, error), refs);
    }
}

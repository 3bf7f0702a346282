package io.strata.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.imagetool.BackingChains;
import io.strata.imagetool.ImageFiles;
import io.strata.imagetool.ImageInfo;
import io.strata.imagetool.ImageToolException;
import io.strata.imagetool.QemuImg;
import io.strata.job.JobContext;
import io.strata.job.ObservedVm;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;

/** What the external snapshot operations share: reading a VM's layout, and removing what nothing needs. */
@ApplicationScoped
public class ChainFiles {

    @Inject
    LibvirtGateway gateway;
    @Inject
    LibvirtSnapshots domainSnapshots;
    @Inject
    BackingChains chains;
    @Inject
    ImageFiles files;
    @Inject
    QemuImg qemuImg;

    /** The VM's layout, read fresh from the host. */
    ChainLayout layout(String host, String vm) {
        return ChainLayout.read(gateway, domainSnapshots, chains, files, host, vm);
    }

    /**
     * The VM's layout for a job: its domain and snapshots as the worker read them just before the
     * handler started ({@link JobContext#atStart}), or read fresh when they were not.
     */
    ChainLayout layout(JobContext ctx) {
        ObservedVm start = ctx.atStart();
        if (start == null || start.domain() == null) {
            return layout(ctx.host(), ctx.vm());
        }
        return ChainLayout.read(gateway, chains, files, ctx.host(), ctx.vm(), start.domain(), start.snapshots());
    }

    /**
     * Removes those candidates nothing references any more, judged on a fresh reading of the host
     * (the domain's chains, the remaining snapshots, every other domain). Returns what it removed.
     */
    public List<String> removeUnreferenced(String host, String vm, Set<String> candidates) {
        ChainLayout now = layout(host, vm);
        Set<String> needed = now.referenced(now.tops(), now.externalSnapshots());
        List<String> removed = new ArrayList<>();
        for (String f : candidates) {
            if (!needed.contains(f) && files.exists(f)) {
                try {
                    files.remove(f);
                    removed.add(f);
                } catch (ImageToolException e) {
                    // left in place and said: an orphan is harmless, a lost image is not
                }
            }
        }
        return removed;
    }

    /**
     * What a delete whose worker died after removing the snapshot's metadata, but before removing
     * its merged overlays, left: files at the overlay names Strata gives that snapshot (beside each
     * file of the VM's chains, as {@code ExternalCreate} names them) that nothing on the host
     * references. A name is only a guess (a snapshot named {@code 2024.qcow2} beside a template's
     * base names another file of that directory), so a candidate is removed only when its own
     * header says it is an overlay of the chain file it was named after; then on the same fresh
     * reading as {@link #removeUnreferenced}.
     */
    List<String> removeLeftOverlays(String host, String vm, String snapshot) {
        ChainLayout l = layout(host, vm);
        Set<String> candidates = new java.util.LinkedHashSet<>();
        for (String target : l.tops().keySet()) {
            for (String f : l.chain(target)) {
                String overlay = ImageFiles.sibling(f, snapshot);
                if (files.exists(overlay) && isOverlayOf(overlay, f)) {
                    candidates.add(overlay);
                }
            }
        }
        return removeUnreferenced(host, vm, candidates);
    }

    private boolean isOverlayOf(String overlay, String backing) {
        try {
            ImageInfo info = qemuImg.probe(overlay);
            return "qcow2".equals(info.format()) && info.backingFile() != null
                    && Path.of(info.backingFile()).toRealPath().equals(Path.of(backing).toRealPath());
        } catch (IOException | RuntimeException e) {
            return false; // unreadable or gone: left in place (an orphan is harmless, a lost image is not)
        }
    }
}

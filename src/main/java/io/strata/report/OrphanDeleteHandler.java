package io.strata.report;

import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.imagetool.ImageFiles;
import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;

/**
 * ORPHAN_DELETE: removes one file a report listed as an orphan, after reading every host again:
 * a VM, snapshot, template or job may have started using it since the report, and then the job
 * refuses (fails) with who uses it and removes nothing. Only below the storage directories.
 */
@ApplicationScoped
public class OrphanDeleteHandler implements JobHandler {

    @Inject
    HostInventory inventory;
    @Inject
    ImageFiles files;

    @Override
    public JobKind kind() {
        return JobKind.ORPHAN_DELETE;
    }

    @Override
    public Class<ReportPayloads.OrphanDelete> payloadType() {
        return ReportPayloads.OrphanDelete.class;
    }

    @Override
    public String run(JobContext ctx) {
        String path = ctx.payload(ReportPayloads.OrphanDelete.class).path();
        if (!files.inStorage(path)) {
            throw new JobFailure("refused: " + path + " is outside the storage directories; nothing was removed");
        }
        if (!Files.isRegularFile(Path.of(path))) {
            throw new JobFailure(path + " no longer exists (or is not a file); nothing was removed");
        }
        ctx.progress(10, "checking again that nothing references " + path);
        HostInventory.Inventory inv = inventory.read(ctx.jobId());
        if (!inv.problems().isEmpty()) {
            throw new JobFailure("refused: not every host could be read, so " + path + " may be in use ("
                    + String.join("; ", inv.problems()) + "); nothing was removed");
        }
        String real = inv.refs().normalise(path);
        String user = inv.refs().referrer(real);
        if (user != null) {
            throw new JobFailure("refused: " + path + " is in use now (" + user + "); it was an orphan when the report"
                    + " was made, but not any more. Nothing was removed");
        }
        if (!inv.directoryHost().containsKey(HostInventory.parent(real))) {
            throw new JobFailure("refused: " + path + " is not in a storage pool directory or a directory holding a VM's"
                    + " disk; nothing was removed");
        }
        long bytes = files.fileBytes(real);
        ctx.checkCancelled();
        files.remove(real);
        ctx.log("removed " + real + " (" + bytes + " bytes); no domain, snapshot, template or job referenced it");
        return "removed " + real + " (" + bytes + " bytes)";
    }
}

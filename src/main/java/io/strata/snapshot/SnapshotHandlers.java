package io.strata.snapshot;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.job.JobContext;
import io.strata.job.JobFailure;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.LibvirtSnapshots;
import io.strata.libvirt.PowerMode;
import io.strata.libvirt.SnapshotKind;
import io.strata.vm.GracefulShutdown;

/** The snapshot job handlers: create, revert, delete (internal or external), and merge all. */
public final class SnapshotHandlers {

    private SnapshotHandlers() {
    }

    private static boolean external(SnapshotKind kind) {
        return kind == SnapshotKind.EXTERNAL;
    }

    @ApplicationScoped
    public static class Create implements JobHandler {
        @Inject
        LibvirtGateway gateway;
        @Inject
        LibvirtSnapshots domainSnapshots;
        @Inject
        ExternalCreate external;

        @Override
        public JobKind kind() {
            return JobKind.SNAPSHOT_CREATE;
        }

        @Override
        public Class<SnapshotPayloads.Create> payloadType() {
            return SnapshotPayloads.Create.class;
        }

        @Override
        public String run(JobContext ctx) {
            var payload = ctx.payload(SnapshotPayloads.Create.class);
            if (external(payload.kind())) {
                return external.create(ctx);
            }
            // The worker read the VM just before (its change record): its state from there.
            DomainState state = ctx.atStart() != null && ctx.atStart().domain() != null
                    ? ctx.atStart().domain().state() : gateway.state(ctx.host(), ctx.vm());
            ctx.progress(10, "creating internal snapshot (VM " + state.label() + ")");
            ctx.log("VM is " + state.label() + "; creating internal snapshot " + ctx.target()
                    + (state == DomainState.RUNNING ? " with memory state" : " of the disks"));
            ctx.checkCancelled();
            boolean pause = payload.pause() && state == DomainState.RUNNING;
            if (pause) {
                gateway.suspend(ctx.host(), ctx.vm());
            }
            try {
                domainSnapshots.createInternalSnapshot(ctx.host(), ctx.vm(), ctx.target(), payload.description());
            } finally {
                if (pause) {
                    gateway.resume(ctx.host(), ctx.vm());
                }
            }
            return "snapshot " + ctx.target() + " created";
        }

        /** Both kinds are atomic in libvirt: either the snapshot exists or nothing happened. */
        @Override
        public String reconcile(JobContext ctx) {
            return external.reconcile(ctx);
        }
    }

    @ApplicationScoped
    public static class Revert implements JobHandler {
        @Inject
        LibvirtGateway gateway;
        @Inject
        LibvirtSnapshots domainSnapshots;
        @Inject
        ExternalRevert external;
        @Inject
        GracefulShutdown graceful;

        @Override
        public JobKind kind() {
            return JobKind.SNAPSHOT_REVERT;
        }

        @Override
        public Class<SnapshotPayloads.Revert> payloadType() {
            return SnapshotPayloads.Revert.class;
        }

        @Override
        public String run(JobContext ctx) throws InterruptedException {
            var payload = ctx.payload(SnapshotPayloads.Revert.class);
            String shutDown = payload.shutdown() ? shutDown(ctx, payload) : null;
            if (shutDown != null) {
                ctx.vmChanged(); // what follows reads the VM again
            }
            String reverted;
            if (external(payload.kind())) {
                ctx.log("reverting to external snapshot " + ctx.target());
                reverted = external.revert(ctx, SnapshotMark.of(ctx.host(), ctx.vm()));
            } else {
                reverted = revertInternal(ctx, payload);
            }
            return shutDown == null ? reverted : shutDown + "; " + reverted;
        }

        /** The first step of a revert asked with shutdown: the VM shut off, or the job fails with nothing reverted. */
        private String shutDown(JobContext ctx, SnapshotPayloads.Revert payload) throws InterruptedException {
            ctx.log("shutting " + ctx.vm() + " down before the revert (" + payload.timeout() + " s"
                    + (payload.force() ? ", then force off" : ", no force") + ")");
            try {
                String done = graceful.shutOff(ctx, payload.timeout(), payload.force(), PowerMode.DEFAULT, ctx.band(0, 10));
                ctx.log(done);
                return done;
            } catch (JobFailure f) {
                throw new JobFailure(f.getMessage() + " Nothing was reverted.", f);
            }
        }

        private String revertInternal(JobContext ctx, SnapshotPayloads.Revert payload) {
            ctx.progress(10, "reverting to " + ctx.target());
            ctx.log("reverting to internal snapshot " + ctx.target());
            ctx.checkCancelled();
            domainSnapshots.revertToSnapshot(ctx.host(), ctx.vm(), ctx.target());
            DomainState state = gateway.state(ctx.host(), ctx.vm());
            ctx.log("reverted; " + ctx.vm() + " is " + state.label() + " (the state the snapshot saved)");
            if (payload.start() && state != DomainState.RUNNING) {
                ctx.progress(95, "starting the VM");
                ctx.log("starting " + ctx.vm());
                gateway.start(ctx.host(), ctx.vm());
                return "reverted to " + ctx.target() + "; VM started";
            }
            return "reverted to " + ctx.target() + "; VM is now " + state.label();
        }

        @Override
        public String reconcile(JobContext ctx) {
            return "revert to " + ctx.target() + " may or may not have happened; VM is "
                    + gateway.state(ctx.host(), ctx.vm()).label() + ", current snapshot: "
                    + domainSnapshots.snapshots(ctx.host(), ctx.vm()).stream().filter(s -> s.current())
                            .map(s -> s.name()).findFirst().orElse("none")
                    + (external(ctx.payload(SnapshotPayloads.Revert.class).kind()) ? "; an unused overlay may be left beside the disk" : "")
                    + (ctx.payload(SnapshotPayloads.Revert.class).shutdown() ? "; the job may have shut the VM down first" : "");
        }
    }

    @ApplicationScoped
    public static class Delete implements JobHandler {
        @Inject
        LibvirtSnapshots domainSnapshots;
        @Inject
        ExternalDelete external;
        @Inject
        ChainFiles chainFiles;

        @Override
        public JobKind kind() {
            return JobKind.SNAPSHOT_DELETE;
        }

        @Override
        public Class<SnapshotPayloads.Delete> payloadType() {
            return SnapshotPayloads.Delete.class;
        }

        @Override
        public String run(JobContext ctx) {
            var payload = ctx.payload(SnapshotPayloads.Delete.class);
            if (external(payload.kind())) {
                return external.delete(ctx);
            }
            ctx.progress(10, "deleting " + ctx.target());
            ctx.checkCancelled();
            domainSnapshots.deleteSnapshot(ctx.host(), ctx.vm(), ctx.target());
            return "snapshot " + ctx.target() + " deleted";
        }

        @Override
        public String reconcile(JobContext ctx) {
            boolean external = external(ctx.payload(SnapshotPayloads.Delete.class).kind());
            if (domainSnapshots.hasSnapshot(ctx.host(), ctx.vm(), ctx.target())) {
                if (external) {
                    SnapshotMark.mark(ctx.host(), ctx.vm(), ctx.target(), ctx.jobId(),
                            "job " + ctx.jobId() + " was interrupted during its merge");
                }
                return "snapshot " + ctx.target() + " still exists: it was not deleted"
                        + (external ? " (marked partly merged: delete it again to finish)" : "; delete it again if wanted");
            }
            if (external) {
                // The worker may have died between the metadata and the merged overlay's removal.
                List<String> removed = chainFiles.removeLeftOverlays(ctx.host(), ctx.vm(), ctx.target());
                if (!removed.isEmpty()) {
                    removed.forEach(f -> ctx.log("removed " + f + " (merged; nothing references it)"));
                    return "snapshot " + ctx.target() + " is gone: the delete completed; removed its merged overlay "
                            + String.join(", ", removed);
                }
            }
            return "snapshot " + ctx.target() + " is gone: the delete completed";
        }
    }

    @ApplicationScoped
    public static class MergeAll implements JobHandler {
        @Inject
        LibvirtSnapshots domainSnapshots;
        @Inject
        ExternalMergeAll external;

        @Override
        public JobKind kind() {
            return JobKind.SNAPSHOT_MERGE_ALL;
        }

        @Override
        public Class<SnapshotPayloads.MergeAll> payloadType() {
            return SnapshotPayloads.MergeAll.class;
        }

        @Override
        public String run(JobContext ctx) {
            return external.mergeAll(ctx);
        }

        @Override
        public String reconcile(JobContext ctx) {
            int left = domainSnapshots.snapshots(ctx.host(), ctx.vm()).size();
            return (left == 0 ? "the snapshot list is empty: the merge completed"
                    : left + " snapshot(s) remain: the merge did not complete; run it again");
        }
    }
}

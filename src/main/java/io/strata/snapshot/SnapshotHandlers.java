package io.strata.snapshot;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.job.JobContext;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;
import io.strata.libvirt.LibvirtGateway;

/** The internal-snapshot job handlers: create, revert, delete. */
public final class SnapshotHandlers {

    private SnapshotHandlers() {
    }

    @ApplicationScoped
    public static class Create implements JobHandler {
        @Inject
        LibvirtGateway gateway;

        @Override
        public JobKind kind() {
            return JobKind.SNAPSHOT_CREATE;
        }

        @Override
        public String run(JobContext ctx) {
            String state = gateway.state(ctx.host(), ctx.vm()).label();
            ctx.progress(10, "creating internal snapshot (VM " + state + ")");
            ctx.log("VM is " + state + "; creating internal snapshot " + ctx.target()
                    + (state.equals("running") ? " with memory state" : " of the disks"));
            ctx.checkCancelled();
            gateway.createInternalSnapshot(ctx.host(), ctx.vm(), ctx.target(), ctx.param("description"));
            return "snapshot " + ctx.target() + " created";
        }

        /** The snapshot call is atomic: either it exists or nothing happened. */
        @Override
        public String reconcile(JobContext ctx) {
            return gateway.hasSnapshot(ctx.host(), ctx.vm(), ctx.target())
                    ? "snapshot " + ctx.target() + " exists on the host: libvirt completed it"
                    : "snapshot " + ctx.target() + " does not exist on the host: nothing was created";
        }
    }

    @ApplicationScoped
    public static class Revert implements JobHandler {
        @Inject
        LibvirtGateway gateway;

        @Override
        public JobKind kind() {
            return JobKind.SNAPSHOT_REVERT;
        }

        @Override
        public String run(JobContext ctx) {
            ctx.progress(10, "reverting to " + ctx.target());
            ctx.checkCancelled();
            gateway.revertToSnapshot(ctx.host(), ctx.vm(), ctx.target());
            return "reverted to " + ctx.target() + "; VM is now " + gateway.state(ctx.host(), ctx.vm()).label();
        }

        @Override
        public String reconcile(JobContext ctx) {
            return "revert to " + ctx.target() + " may or may not have happened; VM is "
                    + gateway.state(ctx.host(), ctx.vm()).label() + ", current snapshot: "
                    + gateway.snapshots(ctx.host(), ctx.vm()).stream().filter(s -> s.current())
                            .map(s -> s.name()).findFirst().orElse("none");
        }
    }

    @ApplicationScoped
    public static class Delete implements JobHandler {
        @Inject
        LibvirtGateway gateway;

        @Override
        public JobKind kind() {
            return JobKind.SNAPSHOT_DELETE;
        }

        @Override
        public String run(JobContext ctx) {
            ctx.progress(10, "deleting " + ctx.target());
            ctx.checkCancelled();
            gateway.deleteSnapshot(ctx.host(), ctx.vm(), ctx.target());
            return "snapshot " + ctx.target() + " deleted";
        }

        @Override
        public String reconcile(JobContext ctx) {
            return gateway.hasSnapshot(ctx.host(), ctx.vm(), ctx.target())
                    ? "snapshot " + ctx.target() + " still exists: it was not deleted; delete it again if wanted"
                    : "snapshot " + ctx.target() + " is gone: the delete completed";
        }
    }
}

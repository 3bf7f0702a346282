package io.strata.web;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.host.Host;
import io.strata.host.HostRegistry;
import io.strata.job.Job;
import io.strata.job.JobAccepted;
import io.strata.job.JobQueries;
import io.strata.job.JobStreams;
import io.strata.snapshot.SnapshotService;
import io.strata.snapshot.SnapshotTree;
import io.strata.vm.VmService;
import io.strata.vm.VmAccess;
import io.strata.vm.VmView;
import io.strata.vm.VmViews;
import io.strata.vm.Vm;

@Path("/vms")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class VmPages {

    /**
     * One host's table: the rows of the page shown, numbered {@code from}–{@code to} of {@code total}
     * (1-based); {@code page} and {@code pages} for the links to the others.
     */
    public record HostVms(Host host, List<Row> rows, int page, int pages, int from, int to, int total) {
        public int prevPage() {
            return page - 1;
        }

        public int nextPage() {
            return page + 1;
        }
    }

    /** A VM's row: its cells as kept ({@link VmListRows}) and the view, for the cell that moves with time. */
    public record Row(VmView vm, io.quarkus.qute.RawString cells) {
    }

    /**
     * What the forms of every snapshot row share, set once per page: where they post
     * ({@code base} + the snapshot's name + the action), whether the reader may act on the
     * snapshots, whether the VM runs, and the CSRF field.
     */
    public record RowForms(String base, boolean canAct, boolean running, String csrfName, String csrfToken) {
    }

    /**
     * A row of the snapshot table. It carries the shared {@link RowForms}: inside a loop, a name
     * from outside it costs Qute a pass over all of its value resolvers for each enclosing section,
     * and the rows' forms used a dozen of them (a third of the page's time, issue 13).
     */
    public record SnapshotRow(io.strata.snapshot.SnapshotNode node, int depth, RowForms forms) {
    }

    /** VMs per host table: a page of a thousand rows is half a megabyte of HTML to render and to send. */
    static final int PAGE_SIZE = 100;

    @CheckedTemplate
    static class Templates {
        /** {@code live}: the stream of the listed VMs' active jobs (null when none runs). */
        static native TemplateInstance list(List<HostVms> hosts, String live);

        /** A VM's row in the list but its last cell: rendered once per view and language ({@link VmListRows}). */
        static native TemplateInstance row(VmListRows.Shown vm);

        static native TemplateInstance vm(VmView vm, List<SnapshotRow> snapshots, boolean byTime,
                boolean hasExternal, boolean operator, boolean backed, List<Job> jobs,
                boolean canChange, boolean isAdmin);
    }

    @Inject
    HostRegistry hosts;
    @Inject
    VmAccess access;
    @Inject
    VmViews views;
    @Inject
    VmService service;
    @Inject
    SnapshotService snapshots;
    @Inject
    JobQueries jobs;
    @Inject
    CurrentCaller caller;
    @Inject
    VmListRows rows;
    @Inject
    io.quarkus.csrf.reactive.runtime.CsrfTokenParameterProvider csrf;

    /** {@code page} (from 1) applies to the table of {@code host}, or to every table when no host is named. */
    @GET
    public TemplateInstance list(@jakarta.ws.rs.QueryParam("host") String pagedHost,
            @jakarta.ws.rs.QueryParam("page") @jakarta.ws.rs.DefaultValue("1") int page) {
        List<HostVms> out = new ArrayList<>();
        for (Host h : hosts.all()) {
            List<VmView> all = access.viewsOn(caller.get(), h.name);
            int pages = Math.max(1, (all.size() + PAGE_SIZE - 1) / PAGE_SIZE);
            int p = pagedHost == null || pagedHost.equals(h.name) ? Math.min(Math.max(1, page), pages) : 1;
            int from = (p - 1) * PAGE_SIZE;
            int to = Math.min(all.size(), from + PAGE_SIZE);
            out.add(new HostVms(h, all.subList(from, to).stream().map(v -> new Row(v, rows.cells(v))).toList(), p, pages,
                    all.isEmpty() ? 0 : from + 1, to, all.size()));
        }
        // One stream for the whole list (a browser keeps few connections per site), carrying each
        // active job's progress bar; the first ones only if there are very many.
        String ids = out.stream().flatMap(hv -> hv.rows().stream()).map(r -> r.vm().activeJobId()).filter(java.util.Objects::nonNull)
                .limit(JobStreams.MAX_JOBS).map(id -> "id=" + id).collect(java.util.stream.Collectors.joining("&"));
        return Templates.list(out, ids.isEmpty() ? null : "/jobs/events?" + ids);
    }

    @GET
    @Path("/{host}/{vm}")
    public TemplateInstance vm(@PathParam("host") String host, @PathParam("vm") String name,
            @jakarta.ws.rs.QueryParam("order") String order) {
        Vm vm = access.forReading(caller.get(), host, name, "vm.read");
        boolean byTime = "time".equals(order);
        // What the page shows, read in one transaction: one connection, one BEGIN and COMMIT.
        record Shown(List<SnapshotTree.Row> rows, VmView view, List<Job> recent) {
        }
        Shown shown = QuarkusTransaction.requiringNew().call(() -> {
            var tree = snapshots.treeOf(vm);
            var rows = byTime ? SnapshotTree.byTime(tree) : SnapshotTree.flatten(tree);
            var recent = jobs.list(caller.get(), new JobQueries.Filter(null, null, host, name, null, 10));
            return new Shown(rows, views.of(vm, SnapshotTree.worstHealth(rows)), recent); // the order does not matter to it
        });
        VmView view = views.withGuestAgent(shown.view());
        boolean hasExternal = shown.rows().stream().anyMatch(r -> r.node().kind().equals("external"));
        boolean backed = view.disks().stream().anyMatch(d -> d.chain().size() > 1);
        boolean canChange = access.canChange(caller.get(), vm);
        RowForms forms = new RowForms("/vms/" + vm.host + "/" + vm.name + "/snapshots/", canChange && !vm.template,
                "running".equals(vm.state) || "blocked".equals(vm.state), csrf.getParameterName(), csrf.getToken());
        List<SnapshotRow> rows = shown.rows().stream().map(r -> new SnapshotRow(r.node(), r.depth(), forms)).toList();
        return Templates.vm(view, rows, byTime, hasExternal, caller.get().actsOnAllVms(), backed,
                shown.recent(), canChange, caller.get().has("admin"));
    }

    @POST
    @Path("/{host}/{vm}/sync")
    public Response sync(@PathParam("host") String host, @PathParam("vm") String name) {
        return JobAccepted.redirectToPage(service.syncVm(caller.get(), host, name));
    }

    @POST
    @Path("/{host}/{vm}/start")
    public Response start(@PathParam("host") String host, @PathParam("vm") String name) {
        return JobAccepted.redirectToPage(service.start(caller.get(), host, name));
    }

    @POST
    @Path("/{host}/sync")
    public Response syncHost(@PathParam("host") String host) {
        return JobAccepted.redirectToPage(service.syncHost(caller.get(), host));
    }

    @POST
    @Path("/{host}/{vm}/owner")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response owner(@PathParam("host") String host, @PathParam("vm") String name, @FormParam("owner") String owner) {
        return JobAccepted.redirectToPage(service.assignOwner(caller.get(), host, name, owner));
    }
}

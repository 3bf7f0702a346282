package io.strata.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.strata.audit.Refusals;
import io.strata.hygiene.Leases;
import io.strata.job.JobAccepted;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.kernel.InputRules;

@Path("/api/reports")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "reports")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class ReportResource {

    @Inject
    ReportService reports;
    @Inject
    ReportExport export;
    @Inject
    CurrentCaller caller;
    @Inject
    Refusals refusals;

    @GET
    @Operation(operationId = "listReports",
            summary = "Cleanup reports, newest first, with item counts per section (users: their own items)")
    public List<Map<String, Object>> list() {
        boolean staff = caller.get().actsOnAllVms();
        return reports.list(caller.get()).stream().map(v -> brief(v, staff)).toList();
    }

    /** {@code staff}: operators and admins see how mail went (it names other users); users do not. */
    static Map<String, Object> brief(ReportService.ReportView v, boolean staff) {
        Map<String, Object> m = new LinkedHashMap<>();
        CleanupReport r = v.report();
        m.put("id", r.id);
        m.put("state", r.state);
        m.put("trigger", r.trigger);
        m.put("requestedBy", r.requestedBy);
        m.put("createdAt", r.createdAt);
        m.put("finishedAt", r.finishedAt);
        m.put("jobId", r.jobId);
        m.put("previousId", r.previousId);
        m.put("mail", staff ? r.mailStatus : null);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int s = 1; s <= 7; s++) {
            counts.put(String.valueOf(s), v.counts()[s]);
        }
        m.put("counts", counts);
        m.put("filteredToOwner", v.filtered());
        m.put("href", "/api/reports/" + r.id);
        return m;
    }

    @POST
    @Path("/cleanup")
    @Operation(operationId = "runCleanupReport",
            summary = "Make a cleanup report now (operators, admins) → 202 {jobId}")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    public Response run() {
        return JobAccepted.response(reports.run(caller.get()));
    }

    @GET
    @Path("/{id}")
    @Produces({ MediaType.APPLICATION_JSON, "text/csv" })
    @Operation(operationId = "getReport",
            summary = "One report with its items (users: their own); ?format=csv|json exports it")
    public Response get(@PathParam("id") long id, @QueryParam("format") String format) {
        Caller c = caller.get();
        ReportService.ReportView v = reports.get(c, id);
        String owner = ReportService.ownerFilter(c);
        String f = format == null || format.isBlank() ? "json" : format;
        if (f.equals("csv")) {
            StreamingOutput body = out -> export.csv(id, owner, out);
            return Response.ok(body, "text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"cleanup-report-" + id + ".csv\"").build();
        }
        if (!f.equals("json")) {
            throw refusals.refuse(c, "report.read", "report/" + id, 400, "format must be csv or json, not "
                    + InputRules.printable(f));
        }
        StreamingOutput body = out -> export.json(v, owner, out);
        Response.ResponseBuilder b = Response.ok(body, MediaType.APPLICATION_JSON);
        if (format != null) {
            b.header("Content-Disposition", "attachment; filename=\"cleanup-report-" + id + ".json\"");
        }
        return b.build();
    }

    @POST
    @Path("/{id}/fixes/snapshot-delete")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "fixReportDeleteSnapshot",
            summary = "Merge or delete the snapshot of item {key} (the snapshot delete job) → 202 {jobId}")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"key\": \"snapshot:local/web-1/before-upgrade\"}")))
    public Response deleteSnapshot(@PathParam("id") long id, JsonNode body) {
        return JobAccepted.response(reports.deleteSnapshot(caller.get(), id, text(body, "key")));
    }

    @POST
    @Path("/{id}/fixes/lease")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "fixReportExtendLease",
            summary = "Extend the lease of the snapshot of item {key} by {days} with a {reason}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"key\": \"snapshot:local/web-1/before-upgrade\", \"days\": 7, \"reason\": \"still needed for the migration\"}")))
    @APIResponse(responseCode = "409", description = "Refused: days beyond the policy's lease maximum")
    @APIResponseSchema(value = Leases.Lease.class, responseDescription = "The new lease")
    public Leases.Lease extendLease(@PathParam("id") long id, JsonNode body) {
        JsonNode days = body == null ? null : body.get("days");
        Integer d = days == null || !days.canConvertToInt() ? null : days.intValue();
        return reports.extendLease(caller.get(), id, text(body, "key"), d, text(body, "reason"));
    }

    @POST
    @Path("/{id}/fixes/orphan-delete")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "fixReportDeleteOrphan",
            summary = "Remove orphan file {path} of the report (admins); the job checks again first → 202 {jobId}")
    @APIResponseSchema(value = JobAccepted.class, responseCode = "202",
            responseDescription = "Queued: the job to follow")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"path\": \"/var/lib/libvirt/images/web-1.1764133200\"}")))
    public Response deleteOrphan(@PathParam("id") long id, JsonNode body) {
        return JobAccepted.response(reports.deleteOrphan(caller.get(), id, text(body, "path")));
    }

    @GET
    @Path("/mail-settings")
    @Operation(operationId = "getMailSettings",
            summary = "The caller's report mail: address, whether it is on, whether mail is configured")
    public Map<String, Object> mailSettings() {
        return reports.mailSettings(caller.get());
    }

    @PUT
    @Path("/mail-settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateMailSettings",
            summary = "Set the caller's report mail {email, enabled} (enabled false: opt out)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = "{\"email\": \"alice@example.org\", \"enabled\": true}")))
    public Map<String, Object> saveMailSettings(JsonNode body) {
        // Wrong types are refused, not read as something (found by the hostile requests test).
        JsonNode enabled = body == null ? null : body.get("enabled");
        JsonNode email = body == null ? null : body.get("email");
        if (body != null && !body.isNull() && !body.isObject() || enabled != null && !enabled.isNull() && !enabled.isBoolean()
                || email != null && !email.isNull() && !email.isTextual()) {
            throw refusals.refuse(caller.get(), "report.mail-settings", "user/" + caller.get().name(), 400,
                    "the body must be {\"email\": text, \"enabled\": true|false}");
        }
        reports.saveMailSettings(caller.get(), text(body, "email"), enabled == null || enabled.isNull() ? null : enabled.asBoolean());
        return reports.mailSettings(caller.get());
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body == null ? null : body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}

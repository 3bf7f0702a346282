package io.strata.job;

import java.net.URI;

import jakarta.ws.rs.core.Response;

/** The answer to every request that queued a job. */
public record JobAccepted(long jobId, String state, String href) {

    public static JobAccepted of(Job j) {
        return new JobAccepted(j.id, j.state.name(), "/api/jobs/" + j.id);
    }

    /** API: 202 with the job id and its location. */
    public static Response response(Job j) {
        return Response.accepted(of(j)).header("Location", "/api/jobs/" + j.id).build();
    }

    /** Pages: after a form that queued a job, the browser goes to the job's live page. */
    public static Response redirectToPage(Job j) {
        return Response.seeOther(URI.create("/jobs/" + j.id)).build();
    }
}

package io.strata.job;

import java.util.Map;

/** What a handler sees of its job, and how it reports back. */
public final class JobContext {

    private final Job job;
    private final Map<String, Object> params;
    private final JobService jobs;

    JobContext(Job job, Map<String, Object> params, JobService jobs) {
        this.job = job;
        this.params = params;
        this.jobs = jobs;
    }

    public long jobId() {
        return job.id;
    }

    public String host() {
        return job.host;
    }

    public String vm() {
        return job.vm;
    }

    public String target() {
        return job.target;
    }

    public String actor() {
        return job.actor;
    }

    public String param(String name) {
        Object v = params.get(name);
        return v == null ? null : v.toString();
    }

    /** A parameter as stored (a list stays a list). */
    public Object rawParam(String name) {
        return params.get(name);
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(param(name));
    }

    public void log(String line) {
        jobs.log(job.id, line);
    }

    public void progress(int percent, String text) {
        jobs.progress(job.id, percent, text);
    }

    /** Whether someone asked to cancel the job, for handlers that must stop in their own way. */
    public boolean cancelRequested() {
        return jobs.isCancelRequested(job.id);
    }

    /** A check point: stops the job here when someone asked to cancel it. */
    public void checkCancelled() {
        if (jobs.isCancelRequested(job.id)) {
            throw new JobCancelled();
        }
    }
}

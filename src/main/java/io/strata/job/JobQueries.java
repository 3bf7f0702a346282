package io.strata.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.kernel.Caller;
import io.strata.kernel.InputRules;
import io.strata.audit.Refusals;

/** Reading jobs (the client side's reads), with the caller's visibility: users see their own jobs, other roles see all. */
@ApplicationScoped
public class JobQueries {

    public record Filter(String state, String kind, String host, String vm, String actor, Integer limit) {
    }

    @Inject
    Refusals refusals;
    @Inject
    JobLog log;

    /**
     * Users see the jobs they asked for, as long as the VM is still theirs (an owner change or a
     * new VM under an old name takes the history with the VM). Other roles see every job.
     */
    // A user's own jobs on VMs they still own, and on VMs that do not exist (yet): a VM being
    // provisioned has no inventory row until its job has defined it.
    private static final String USER_SEES = "j.actor = ?1 and (j.vm is null or exists "
            + "(from Vm v where v.host = j.host and v.name = j.vm and v.owner = ?1) or not exists "
            + "(from Vm v where v.host = j.host and v.name = j.vm))";

    public boolean canSee(Caller c, Job j) {
        if (c.seesAllVms()) {
            return true;
        }
        return QuarkusTransaction.requiringNew().call(() ->
                Job.count("from Job j where j.id = ?2 and " + USER_SEES, c.name(), j.id) > 0);
    }

    public List<Job> list(Caller c, Filter f) {
        StringBuilder q = new StringBuilder("from Job j where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (!c.seesAllVms()) {
            args.add(c.name()); // ?1, as USER_SEES expects
            q.append(" and ").append(USER_SEES);
        }
        JobState state = refusals.optionalEnum(c, "job.list", JobState.class, "job state", f.state());
        if (state != null) {
            args.add(state);
            q.append(" and j.state = ?").append(args.size());
        }
        JobKind kind = refusals.optionalEnum(c, "job.list", JobKind.class, "job kind", f.kind());
        if (kind != null) {
            args.add(kind);
            q.append(" and j.kind = ?").append(args.size());
        }
        if (InputRules.present(f.host())) {
            args.add(f.host());
            q.append(" and j.host = ?").append(args.size());
        }
        if (InputRules.present(f.vm())) {
            args.add(f.vm());
            q.append(" and j.vm = ?").append(args.size());
        }
        if (InputRules.present(f.actor())) {
            args.add(f.actor());
            q.append(" and j.actor = ?").append(args.size());
        }
        int limit = f.limit() == null ? 100 : Math.max(1, Math.min(500, f.limit()));
        q.append(" order by j.id desc");
        return QuarkusTransaction.joiningExisting().call(() -> Job.<Job>find(q.toString(), args.toArray()).page(0, limit).list());
    }

    /** The job, or 404 (audited) when it does not exist or is not the caller's. */
    public Job get(Caller c, long id, String action) {
        return find(id).filter(j -> canSee(c, j))
                .orElseThrow(() -> refusals.refuse(c, action, "job/" + id, 404, "no job " + id).withKey("job_not_found", id));
    }

    /**
     * The jobs, each of which the caller may see (one query); the first one they may not see is
     * refused like {@link #get}: 404, audited.
     */
    public void requireVisible(Caller c, Collection<Long> ids, String action) {
        if (c.seesAllVms() || ids.isEmpty()) {
            return;
        }
        List<Long> seen = QuarkusTransaction.requiringNew().call(() -> Job.getEntityManager()
                .createQuery("select j.id from Job j where j.id in ?2 and " + USER_SEES, Long.class)
                .setParameter(1, c.name()).setParameter(2, List.copyOf(ids)).getResultList());
        for (long id : ids) {
            if (!seen.contains(id)) {
                throw refusals.refuse(c, action, "job/" + id, 404, "no job " + id);
            }
        }
    }

    public Optional<Job> find(long id) {
        return Optional.ofNullable(QuarkusTransaction.requiringNew().call(() -> Job.<Job>findById(id)));
    }

    /** Jobs by id (no visibility check: for callers that already decided what the caller may see). */
    public java.util.Map<Long, Job> byIds(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        return QuarkusTransaction.requiringNew().call(() -> Job.<Job>list("id in ?1", List.copyOf(ids))).stream()
                .collect(java.util.stream.Collectors.toMap(j -> j.id, j -> j));
    }

    /** The VM's queued or running job, if any (there is at most one). */
    public Optional<Job> activeJobFor(String host, String vm) {
        return QuarkusTransaction.requiringNew().call(() -> Job.<Job>find("host = ?1 and vm = ?2 and state in " + JobState.ACTIVE_HQL,
                host, vm).firstResultOptional());
    }

    public List<JobLogLine> logOf(long id) {
        return log.of(id);
    }
}

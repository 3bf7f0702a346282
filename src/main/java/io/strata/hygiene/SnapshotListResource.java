package io.strata.hygiene;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.strata.audit.Refusals;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.kernel.InputRules;

@Path("/api/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "snapshot policy")
@RolesAllowed({ "user", "operator", "auditor", "admin" })
public class SnapshotListResource {

    static final String ACTION = "snapshot.list-all";

    @Inject
    SnapshotHealthService health;
    @Inject
    Refusals refusals;
    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "listSnapshots",
            summary = "Snapshots across VMs (users: their own VMs only), worst health first: VM, host, owner,"
            + " creator, reason, age, lease, overlay bytes, health and reasons. health=ok|warn|critical (comma"
            + " separated for several), host, owner, olderThanDays (whole days)")
    public List<SnapshotHealth> list(@QueryParam("health") String healthParam, @QueryParam("host") String host,
            @QueryParam("owner") String owner, @QueryParam("olderThanDays") String olderThanDays) {
        Caller c = caller.get();
        Set<Health> levels = null;
        if (InputRules.present(healthParam)) {
            levels = EnumSet.noneOf(Health.class);
            for (String part : healthParam.split(",")) {
                Health h = Health.parse(part);
                if (h == null) {
                    throw refusals.refuse(c, ACTION, null, 400, "health must be ok, warn or critical, not "
                            + InputRules.printable(part));
                }
                levels.add(h);
            }
        }
        Integer older = null;
        if (InputRules.present(olderThanDays)) {
            String t = olderThanDays.strip();
            if (!t.matches("[0-9]{1,5}")) {
                throw refusals.refuse(c, ACTION, null, 400, "olderThanDays must be a whole number of days (0..99999), not "
                        + InputRules.printable(t));
            }
            older = Integer.parseInt(t);
        }
        return health.assess(c, new SnapshotHealthService.Filter(levels, InputRules.present(host) ? host : null,
                InputRules.present(owner) ? owner : null, older));
    }
}

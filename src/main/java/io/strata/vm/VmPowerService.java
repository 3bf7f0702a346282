package io.strata.vm;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.strata.audit.Refusals;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobPayload;
import io.strata.job.JobQueue;
import io.strata.job.JobRequest;
import io.strata.kernel.Caller;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.LibvirtGateway;
import io.strata.libvirt.PowerMode;
import io.strata.kernel.InputRules;

/**
 * Lifecycle requests (shut down, force off, reboot, pause, resume), shared by the API and the
 * pages: who may ask (owner, operator, admin), whether the request fits the VM's state now (409
 * naming the state), the body's values (400), then one job each.
 */
@ApplicationScoped
public class VmPowerService {

    @Inject
    VmAccess access;
    @Inject
    Refusals refusals;
    @Inject
    JobQueue jobs;
    @Inject
    LibvirtGateway gateway;

    /** The options of a shutdown as a request gives them (the API's JSON body, or a form). */
    public record ShutdownOptions(JsonNode timeoutSeconds, JsonNode force, JsonNode mode) {
        public static ShutdownOptions of(JsonNode body) {
            if (body == null || body.isNull() || body.isMissingNode()) {
                return new ShutdownOptions(null, null, null);
            }
            return new ShutdownOptions(body.get("timeoutSeconds"), body.get("force"), body.get("mode"));
        }
    }

    public Job shutdown(Caller c, String host, String vmName, ShutdownOptions o) {
        String action = JobKind.VM_SHUTDOWN.action;
        String target = host + "/" + vmName;
        access.forChange(c, host, vmName, action);
        int timeout = timeout(c, action, target, o.timeoutSeconds());
        boolean force = flag(c, action, target, "force", o.force());
        PowerMode mode = mode(c, action, target, o.mode());
        requireState(c, action, host, vmName, "shut down", DomainState.RUNNING, DomainState.BLOCKED, DomainState.SHUTDOWN);
        return jobs.enqueue(c, new JobRequest(JobKind.VM_SHUTDOWN, host, vmName, null,
                new VmPowerPayloads.Shutdown(timeout, force, mode),
                "timeout " + timeout + " s, " + mode.label() + (force ? ", then force off" : ", no force")));
    }

    public Job destroy(Caller c, String host, String vmName) {
        String action = JobKind.VM_DESTROY.action;
        String target = host + "/" + vmName;
        access.forChange(c, host, vmName, action);
        DomainState s = gateway.state(host, vmName);
        if (s == DomainState.SHUT_OFF) {
            throw refusals.refuse(c, action, target, 409, vmName + " is shut off already; there is nothing to force off")
                    .withKey("vm_already_off", vmName);
        }
        return jobs.enqueue(c, new JobRequest(JobKind.VM_DESTROY, host, vmName, null, new JobPayload.None(),
                "force off (was " + s.label() + ")"));
    }

    public Job reboot(Caller c, String host, String vmName, JsonNode modeValue) {
        String action = JobKind.VM_REBOOT.action;
        String target = host + "/" + vmName;
        access.forChange(c, host, vmName, action);
        PowerMode mode = mode(c, action, target, modeValue);
        requireState(c, action, host, vmName, "rebooted", DomainState.RUNNING, DomainState.BLOCKED);
        return jobs.enqueue(c, new JobRequest(JobKind.VM_REBOOT, host, vmName, null, new VmPowerPayloads.Reboot(mode),
                mode.label()));
    }

    public Job suspend(Caller c, String host, String vmName) {
        String action = JobKind.VM_SUSPEND.action;
        String target = host + "/" + vmName;
        access.forChange(c, host, vmName, action);
        requireState(c, action, host, vmName, "paused", DomainState.RUNNING, DomainState.BLOCKED);
        return jobs.enqueue(c, new JobRequest(JobKind.VM_SUSPEND, host, vmName, null, new JobPayload.None(), null));
    }

    public Job resume(Caller c, String host, String vmName) {
        String action = JobKind.VM_RESUME.action;
        String target = host + "/" + vmName;
        access.forChange(c, host, vmName, action);
        requireState(c, action, host, vmName, "resumed", DomainState.PAUSED);
        return jobs.enqueue(c, new JobRequest(JobKind.VM_RESUME, host, vmName, null, new JobPayload.None(), null));
    }

    private void requireState(Caller c, String action, String host, String vm, String verb, DomainState... fits) {
        String target = host + "/" + vm;
        DomainState s = gateway.state(host, vm);
        for (DomainState f : fits) {
            if (s == f) {
                return;
            }
        }
        String needs = fits[0] == DomainState.PAUSED ? "only a paused VM can be " + verb
                : "only a running VM can be " + verb;
        throw refusals.refuse(c, action, target, 409, vm + " is " + s.label() + "; " + needs)
                .withKey(fits[0] == DomainState.PAUSED ? "vm_needs_paused" : "vm_needs_running", vm, s.label(), verb);
    }

    /** A request's {@code timeoutSeconds} (absent: the default), or an audited 400; other jobs that shut a VM down use it too. */
    public int timeout(Caller c, String action, String target, JsonNode v) {
        if (v == null || v.isNull()) {
            return VmPowerPayloads.DEFAULT_TIMEOUT_SECONDS;
        }
        int max = VmPowerPayloads.MAX_TIMEOUT_SECONDS;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1 || v.intValue() > max) {
            String shown = v.isTextual() ? "\"" + InputRules.printable(v.textValue()) + "\"" : v.toString();
            if (shown.length() > 40) {
                shown = shown.substring(0, 40) + "…";
            }
            throw refusals.refuse(c, action, target, 400,
                    "timeoutSeconds must be a whole number of seconds from 1 to " + max + ", not " + shown);
        }
        return v.intValue();
    }

    /** A request's true/false option (absent: false), or an audited 400. */
    public boolean flag(Caller c, String action, String target, String name, JsonNode v) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw refusals.refuse(c, action, target, 400, name + " must be true or false");
        }
        return v.booleanValue();
    }

    private PowerMode mode(Caller c, String action, String target, JsonNode v) {
        if (v == null || v.isNull()) {
            return PowerMode.DEFAULT;
        }
        if (!v.isTextual()) {
            throw refusals.refuse(c, action, target, 400, "mode must be one of acpi, agent, default");
        }
        for (PowerMode m : PowerMode.values()) {
            if (m.name().equalsIgnoreCase(v.textValue().strip())) {
                return m;
            }
        }
        throw refusals.refuse(c, action, target, 400, "mode must be one of acpi, agent, default, not "
                + InputRules.printable(v.textValue()));
    }
}

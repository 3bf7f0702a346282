package io.strata.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.kernel.Caller;
import io.strata.kernel.Refused;
import io.strata.kernel.InputRules;

/** Audits a refusal in its own transaction, then hands back the exception to throw. */
@ApplicationScoped
public class Refusals {

    @Inject
    AuditLog audit;

    public Refused refuse(Caller caller, String action, String target, int status, String message) {
        audit.recordAlone(caller, action, target, null, status == 403 || status == 404 ? Outcome.DENIED : Outcome.REFUSED,
                status + ": " + message);
        return new Refused(status, message);
    }

    /** An enum constant named by the request (any case), or null when none was given; 400 when unknown. */
    public <E extends Enum<E>> E optionalEnum(Caller caller, String action, Class<E> type, String what, String value) {
        if (!InputRules.present(value)) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw refuse(caller, action, null, 400, "unknown " + what + " " + InputRules.printable(value));
        }
    }

    /** Checks the name of a VM about to be made; on a bad one audits and throws 400. */
    public void requireNewVmName(Caller caller, String action, String target, String value) {
        String problem = InputRules.newVmNameProblem(value);
        if (problem != null) {
            throw refuse(caller, action, target, 400, problem);
        }
    }

    /** Checks a name; on a bad one audits and throws 400. */
    public void requireName(Caller caller, String action, String target, String what, String value) {
        String problem = InputRules.nameProblem(what, value);
        if (problem != null) {
            throw refuse(caller, action, target, 400, problem);
        }
    }
}

package io.strata.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.auth.Caller;

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

    /** Checks a name; on a bad one audits and throws 400. */
    public void requireName(Caller caller, String action, String target, String what, String value) {
        String problem = InputRules.nameProblem(what, value);
        if (problem != null) {
            throw refuse(caller, action, target, 400, problem);
        }
    }
}

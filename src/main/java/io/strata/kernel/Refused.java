package io.strata.kernel;

/**
 * A request Strata said no to (bad input, not found, not allowed, wrong state). Thrown after the
 * refusal was audited; mapped to the status given, as JSON for the API and a page for browsers.
 */
public class Refused extends RuntimeException {

    /** Request attribute set once a refusal was audited, so the access auditor does not record it twice. */
    public static final String AUDITED_MARK = "strata.audited";

    public final int status;

    public Refused(int status, String message) {
        super(message);
        this.status = status;
    }
}

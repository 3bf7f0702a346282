package io.strata.kernel;

import java.util.Arrays;
import java.util.List;

/**
 * A request Strata said no to (bad input, not found, not allowed, wrong state). Thrown after the
 * refusal was audited; mapped to the status given, as JSON for the API and a page for browsers.
 * The message is English (API, audit); a common refusal also carries a stable {@link #key()} and its
 * arguments, from which the pages write it in the reader's language (web.i18n.ErrMsg).
 */
public class Refused extends RuntimeException {

    /** Request attribute set once a refusal was audited, so the access auditor does not record it twice. */
    public static final String AUDITED_MARK = "strata.audited";

    public final int status;
    private String key;
    private List<String> args = List.of();

    public Refused(int status, String message) {
        super(message);
        this.status = status;
    }

    /** Names this refusal's message (a method of web.i18n.ErrMsg) and its arguments, in that method's order. */
    public Refused withKey(String key, Object... args) {
        this.key = key;
        this.args = Arrays.stream(args).map(a -> a == null ? "" : a.toString()).toList();
        return this;
    }

    /** The message's stable key, or null when the refusal has none (its English message is all there is). */
    public String key() {
        return key;
    }

    public List<String> args() {
        return args;
    }
}

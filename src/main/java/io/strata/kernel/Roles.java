package io.strata.kernel;

import java.util.List;

/**
 * The four roles of DESIGN.md, and {@code metrics}: an account that may read /q/metrics and nothing
 * else (for a Prometheus scrape; see docs/DECISIONS.md, "Who reads the metrics").
 */
public final class Roles {
    public static final String USER = "user";
    public static final String OPERATOR = "operator";
    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";
    public static final String METRICS = "metrics";
    public static final List<String> ALL = List.of(USER, OPERATOR, AUDITOR, ADMIN, METRICS);

    private Roles() {
    }
}

package io.strata.kernel;

import java.util.List;

/** The four roles of DESIGN.md. */
public final class Roles {
    public static final String USER = "user";
    public static final String OPERATOR = "operator";
    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";
    public static final List<String> ALL = List.of(USER, OPERATOR, AUDITOR, ADMIN);

    private Roles() {
    }
}

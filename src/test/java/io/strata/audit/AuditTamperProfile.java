package io.strata.audit;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The tamper tests rewrite the audit table: they get an app and a database of their own (a
 * profile restarts both), and anchor by hand instead of on a schedule.
 */
public class AuditTamperProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("strata.audit.anchor-interval", "1h");
    }
}

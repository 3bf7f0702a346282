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
        // No scheduled anchoring: it would anchor events a test adds and then takes back.
        return Map.of("strata.audit.anchor-interval", "off");
    }
}

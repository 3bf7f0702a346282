package io.strata.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Policy bodies: types, ranges, unknown fields, and the relations between values. */
class PolicyInputTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String problem(String body, boolean nullClears) {
        return assertThrows(PolicyInput.Problem.class, () -> PolicyInput.read(json(body), nullClears)).getMessage();
    }

    @Test
    void readsTheFieldsGivenAndLeavesTheOthersUnset() {
        PolicyValues v = PolicyInput.read(json("{\"ageWarnDays\": 2, \"runningOnOldSnapshot\": false}"), false);
        assertEquals(2, v.ageWarnDays());
        assertEquals(false, v.runningOnOldSnapshot());
        assertNull(v.ageCriticalDays());
        assertEquals(PolicyValues.DEFAULTS, PolicyInput.read(json("{\"ageWarnDays\":3,\"ageCriticalDays\":14,"
                + "\"countWarn\":3,\"countCritical\":8,\"depthCritical\":5,\"overlayWarnPercent\":50,"
                + "\"runningOnOldSnapshot\":true,\"leaseMaxDays\":30}"), false));
    }

    @Test
    void refusesWrongTypes() {
        assertTrue(problem("{\"ageWarnDays\": \"3\"}", false).startsWith("ageWarnDays must be a whole number 1..3650"));
        assertTrue(problem("{\"ageWarnDays\": 2.5}", false).contains("not 2.5"));
        assertTrue(problem("{\"countWarn\": true}", false).startsWith("countWarn must be a whole number"));
        assertTrue(problem("{\"runningOnOldSnapshot\": \"yes\"}", false).startsWith("runningOnOldSnapshot must be true"));
        assertTrue(problem("{\"depthCritical\": 99999999999}", false).startsWith("depthCritical must be a whole number"));
        assertTrue(problem("[1,2]", false).startsWith("the policy must be a JSON object"));
        assertTrue(problem("null", false).startsWith("a JSON object"));
    }

    @Test
    void refusesOutOfRangeValues() {
        assertEquals("ageWarnDays must be between 1 and 3650, not -1", problem("{\"ageWarnDays\": -1}", false));
        assertEquals("ageCriticalDays must be between 1 and 3650, not 0", problem("{\"ageCriticalDays\": 0}", false));
        assertEquals("countCritical must be between 1 and 10000, not 0", problem("{\"countCritical\": 0}", false));
        assertEquals("overlayWarnPercent must be between 1 and 1000, not 0", problem("{\"overlayWarnPercent\": 0}", false));
        assertEquals("leaseMaxDays must be between 1 and 3650, not 100000", problem("{\"leaseMaxDays\": 100000}", false));
        assertEquals("depthCritical must be between 1 and 1000, not 5000", problem("{\"depthCritical\": 5000}", false));
        // Zero is meaningful for countWarn: warn on any snapshot.
        assertEquals(0, PolicyInput.read(json("{\"countWarn\": 0}"), false).countWarn());
    }

    @Test
    void refusesUnknownFieldsAndNullsExceptWhereTheyClearAnOverride() {
        assertTrue(problem("{\"ageWarn\": 3}", false).startsWith("unknown policy field(s): ageWarn"));
        assertTrue(problem("{\"ageWarnDays\": null}", false).endsWith("not null"));
        assertNull(PolicyInput.read(json("{\"ageWarnDays\": null, \"runningOnOldSnapshot\": null}"), true).ageWarnDays());
    }

    @Test
    void warnMayNotExceedCriticalAndLeasesCoverTheWarnAge() {
        PolicyInput.checkConsistent(PolicyValues.DEFAULTS);
        PolicyInput.checkConsistent(PolicyValues.DEFAULTS.overriddenBy(new PolicyValues(14, 14, 8, 8, null, null, null, 14)));
        assertEquals("ageWarnDays (15) must not be above ageCriticalDays (14)", assertThrows(PolicyInput.Problem.class,
                () -> PolicyInput.checkConsistent(PolicyValues.DEFAULTS.overriddenBy(
                        new PolicyValues(15, null, null, null, null, null, null, 30)))).getMessage());
        assertEquals("countWarn (9) must not be above countCritical (8)", assertThrows(PolicyInput.Problem.class,
                () -> PolicyInput.checkConsistent(PolicyValues.DEFAULTS.overriddenBy(
                        new PolicyValues(null, null, 9, null, null, null, null, null)))).getMessage());
        assertTrue(assertThrows(PolicyInput.Problem.class, () -> PolicyInput.checkConsistent(PolicyValues.DEFAULTS
                .overriddenBy(new PolicyValues(null, null, null, null, null, null, null, 2)))).getMessage()
                .startsWith("leaseMaxDays (2) must not be below ageWarnDays (3)"));
    }
}

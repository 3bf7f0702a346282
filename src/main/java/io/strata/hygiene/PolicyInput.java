package io.strata.hygiene;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads and checks a policy request body. Pure: the resources turn a {@link Problem} into an
 * audited 400 and nothing is stored. Each number has a range (no negative values, no zero where
 * "above 0" or "0 days" means nothing, nothing absurdly large) and warn may not exceed critical.
 */
public final class PolicyInput {

    /** What is wrong with a request; the message is for the user. */
    public static class Problem extends RuntimeException {
        public Problem(String message) {
            super(message);
        }
    }

    public static final int MAX_DAYS = 3650;
    public static final int MAX_COUNT = 10_000;
    public static final int MAX_DEPTH = 1000;
    public static final int MAX_PERCENT = 1000;

    private record Range(int min, int max) {
    }

    private static final Map<String, Range> RANGES = Map.of(
            "ageWarnDays", new Range(1, MAX_DAYS),
            "ageCriticalDays", new Range(1, MAX_DAYS),
            "countWarn", new Range(0, MAX_COUNT),
            "countCritical", new Range(1, MAX_COUNT),
            "depthCritical", new Range(1, MAX_DEPTH),
            "overlayWarnPercent", new Range(1, MAX_PERCENT),
            "leaseMaxDays", new Range(1, MAX_DAYS));

    private PolicyInput() {
    }

    /**
     * The values a body sets. A field left out is not set; {@code null} is allowed only where
     * {@code nullClears} (a VM's override back to the global value). Unknown fields are refused.
     */
    public static PolicyValues read(JsonNode body, boolean nullClears) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw new Problem("a JSON object with the policy's fields is required");
        }
        if (!body.isObject()) {
            throw new Problem("the policy must be a JSON object, not " + body.getNodeType().name().toLowerCase());
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!RANGES.containsKey(f) && !f.equals("runningOnOldSnapshot")) {
                unknown.add(f.length() > 40 ? f.substring(0, 40) + "…" : f);
            }
        }
        if (!unknown.isEmpty()) {
            throw new Problem("unknown policy field(s): " + String.join(", ", unknown) + " (known: "
                    + String.join(", ", PolicyValues.DEFAULTS.asMap().keySet()) + ")");
        }
        JsonNode running = body.get("runningOnOldSnapshot");
        Boolean runningOld = null;
        if (running != null && !running.isNull()) {
            if (!running.isBoolean()) {
                throw new Problem("runningOnOldSnapshot must be true or false, not " + running);
            }
            runningOld = running.booleanValue();
        } else if (running != null && !nullClears) {
            throw new Problem("runningOnOldSnapshot must be true or false, not null");
        }
        return new PolicyValues(number(body, "ageWarnDays", nullClears), number(body, "ageCriticalDays", nullClears),
                number(body, "countWarn", nullClears), number(body, "countCritical", nullClears),
                number(body, "depthCritical", nullClears), number(body, "overlayWarnPercent", nullClears), runningOld,
                number(body, "leaseMaxDays", nullClears));
    }

    private static Integer number(JsonNode body, String field, boolean nullClears) {
        JsonNode v = body.get(field);
        if (v == null) {
            return null;
        }
        Range r = RANGES.get(field);
        if (v.isNull()) {
            if (nullClears) {
                return null;
            }
            throw new Problem(field + " must be a whole number " + r.min + ".." + r.max + ", not null");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new Problem(field + " must be a whole number " + r.min + ".." + r.max + ", not " + shown(v));
        }
        int n = v.intValue();
        if (n < r.min || n > r.max) {
            throw new Problem(field + " must be between " + r.min + " and " + r.max + ", not " + n);
        }
        return n;
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** The relations between values of a complete (effective) policy: warn ≤ critical, leases ≥ the warn age. */
    public static void checkConsistent(PolicyValues p) {
        if (p.ageWarnDays() > p.ageCriticalDays()) {
            throw new Problem("ageWarnDays (" + p.ageWarnDays() + ") must not be above ageCriticalDays ("
                    + p.ageCriticalDays() + ")");
        }
        if (p.countWarn() > p.countCritical()) {
            throw new Problem("countWarn (" + p.countWarn() + ") must not be above countCritical (" + p.countCritical() + ")");
        }
        if (p.leaseMaxDays() < p.ageWarnDays()) {
            throw new Problem("leaseMaxDays (" + p.leaseMaxDays() + ") must not be below ageWarnDays ("
                    + p.ageWarnDays() + "): every snapshot's first lease is the warn age");
        }
    }
}

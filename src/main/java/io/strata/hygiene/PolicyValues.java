package io.strata.hygiene;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The snapshot policy's numbers. The global policy has every value; a VM's overrides have only
 * those it changes (null: inherit). Thresholds are "above": a count of 4 with countWarn 3 warns.
 */
public record PolicyValues(Integer ageWarnDays, Integer ageCriticalDays, Integer countWarn, Integer countCritical,
                           Integer depthCritical, Integer overlayWarnPercent, Boolean runningOnOldSnapshot,
                           Integer leaseMaxDays) {

    /** The defaults of the issue and of V6: 3 d / 14 d, 3 / 8 snapshots, depth 5, 50 %, on, 30 d leases. */
    public static final PolicyValues DEFAULTS = new PolicyValues(3, 14, 3, 8, 5, 50, true, 30);

    /** No override at all. */
    public static final PolicyValues NONE = new PolicyValues(null, null, null, null, null, null, null, null);

    /** These values with the non-null ones of {@code o} put over them. */
    public PolicyValues overriddenBy(PolicyValues o) {
        if (o == null) {
            return this;
        }
        return new PolicyValues(pick(o.ageWarnDays, ageWarnDays), pick(o.ageCriticalDays, ageCriticalDays),
                pick(o.countWarn, countWarn), pick(o.countCritical, countCritical), pick(o.depthCritical, depthCritical),
                pick(o.overlayWarnPercent, overlayWarnPercent), pick(o.runningOnOldSnapshot, runningOnOldSnapshot),
                pick(o.leaseMaxDays, leaseMaxDays));
    }

    public boolean isEmpty() {
        return asMap().values().stream().allMatch(v -> v == null);
    }

    /** Field name → value, in the API's order (for audit details and the policy pages). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ageWarnDays", ageWarnDays);
        m.put("ageCriticalDays", ageCriticalDays);
        m.put("countWarn", countWarn);
        m.put("countCritical", countCritical);
        m.put("depthCritical", depthCritical);
        m.put("overlayWarnPercent", overlayWarnPercent);
        m.put("runningOnOldSnapshot", runningOnOldSnapshot);
        m.put("leaseMaxDays", leaseMaxDays);
        return m;
    }

    /** "ageWarnDays=3, ageCriticalDays=14, …" with inherited values left out. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        asMap().forEach((k, v) -> {
            if (v != null) {
                b.append(b.isEmpty() ? "" : ", ").append(k).append('=').append(v);
            }
        });
        return b.isEmpty() ? "(none)" : b.toString();
    }

    private static <T> T pick(T override, T base) {
        return override != null ? override : base;
    }
}

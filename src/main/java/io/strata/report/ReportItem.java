package io.strata.report;

import java.util.Map;

/**
 * One item of a report section. {@code key} is stable across reports (section 7 compares them);
 * {@code owner} is the owner of the VM it concerns, so users see their own items only.
 */
public record ReportItem(int section, String key, String host, String vm, String owner, String summary,
                         Map<String, Object> data) {

    public static final int POLICY = 1;
    public static final int CHAINS = 2;
    public static final int ORPHANS = 3;
    public static final int TEMPLATES = 4;
    public static final int JOBS = 5;
    public static final int SPACE = 6;
    public static final int CHANGES = 7;

    public static final String[] SECTION_TITLES = { "",
        "Snapshots over the policy",
        "Partly merged snapshots and broken chains",
        "Orphan image files",
        "Templates without dependents for more than 30 days",
        "Jobs failed or interrupted since the last report",
        "Space per host and owner",
        "Changes since the previous report" };

    public String sectionTitle() {
        return SECTION_TITLES[section];
    }

    /** A field of {@link #data} as text ("" when absent), for the pages. */
    public String field(String name) {
        Object v = get(name);
        return v == null ? "" : v.toString();
    }

    /** A field of {@link #data}, or null. */
    public Object get(String field) {
        return data == null ? null : data.get(field);
    }
}

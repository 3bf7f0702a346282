package io.strata.hygiene;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a snapshot (or a VM, the worst of its snapshots) stands against the policy. Ordered: ok < warn < critical. */
public enum Health {
    OK, WARN, CRITICAL;

    /** The API's and the pages' word: ok, warn, critical. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Health worst(Health other) {
        return other != null && other.compareTo(this) > 0 ? other : this;
    }

    /** The level named by {@code text} (any case), or null when it names none. */
    public static Health parse(String text) {
        if (text == null) {
            return null;
        }
        for (Health h : values()) {
            if (h.label().equalsIgnoreCase(text.strip())) {
                return h;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return label();
    }
}

package io.strata.web;

import io.strata.kernel.Ages;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.quarkus.qute.TemplateExtension;

/** Formatting used by the pages: {@code value.size}, {@code instant.time}, {@code instant.ago}. */
@TemplateExtension
public class TemplateExtensions {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = { "KiB", "MiB", "GiB", "TiB" };
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    static String ago(Instant t) {
        if (t == null) {
            return "";
        }
        return Ages.human(Math.max(0, Duration.between(t, Instant.now()).getSeconds())) + " ago";
    }

    static String indent(int depth) {
        return "\u2003".repeat(depth) + (depth > 0 ? "└ " : "");
    }
}

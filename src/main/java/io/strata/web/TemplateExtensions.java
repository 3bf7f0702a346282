package io.strata.web;

import io.strata.kernel.Ages;
import io.strata.web.i18n.Phrases;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;

import io.quarkus.qute.TemplateExtension;
import io.quarkus.qute.TemplateExtension.TemplateAttribute;
import io.strata.web.i18n.Language;

/**
 * Formatting used by the pages: {@code value.size}, {@code instant.time}, {@code instant.ago}, and
 * text built from fixed English phrases ({@code age.ageText}, {@code reason.reasonText}), each in the
 * reader's locale (the template's {@code locale} attribute, see web.i18n.LanguageInitializer).
 */
@TemplateExtension
public class TemplateExtensions {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** Taiwan's way (CLDR zh-TW: 2026年11月26日 上午8:45:45), still in UTC: the server does not know the reader's zone. */
    private static final DateTimeFormatter TIME_ZH = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM)
            .withLocale(Locale.TAIWAN).withZone(ZoneOffset.UTC);

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

    static String time(Instant t, @TemplateAttribute("locale") Object locale) {
        if (t == null) {
            return "";
        }
        return Language.chinese(locale) ? TIME_ZH.format(t) + " UTC" : TIME.format(t);
    }

    static String ago(Instant t, @TemplateAttribute("locale") Object locale) {
        if (t == null) {
            return "";
        }
        return Phrases.ago(Ages.human(Math.max(0, Duration.between(t, Instant.now()).getSeconds())), Language.chinese(locale));
    }

    /** An age made by Ages.human ("3 d 2 h"). */
    static String ageText(String age, @TemplateAttribute("locale") Object locale) {
        return Phrases.age(age, Language.chinese(locale));
    }

    /** A timeline's title (Timelines). */
    static String titleText(String title, @TemplateAttribute("locale") Object locale) {
        return Phrases.timelineTitle(title, Language.chinese(locale));
    }

    /** A snapshot health reason (HealthAssessment). */
    static String reasonText(String reason, @TemplateAttribute("locale") Object locale) {
        return Phrases.reason(reason, Language.chinese(locale));
    }

    static String indent(int depth) {
        return "\u2003".repeat(depth) + (depth > 0 ? "└ " : "");
    }
}

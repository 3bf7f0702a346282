package io.strata.web.i18n;

import java.util.Locale;

/**
 * The two languages of the pages and how one is chosen: the language cookie when it names one of
 * them, else the first language of {@code Accept-Language} that is one of them (any Chinese counts
 * as Traditional Chinese, the language of the guide Strata follows), else English. Only the two
 * tags below ever leave this class, so a cookie or header cannot put other text into a page.
 */
public final class Language {

    public static final String ENGLISH = "en";
    public static final String CHINESE = "zh-TW";
    /** The cookie that remembers the reader's choice (set by {@link LanguageSwitch}). */
    public static final String COOKIE = "strata-lang";

    private Language() {
    }

    /** {@code en} or {@code zh-TW}: the cookie's choice, else the browser's, else English. */
    public static String choose(String cookie, String acceptLanguage) {
        String chosen = known(cookie);
        if (chosen != null) {
            return chosen;
        }
        return fromAcceptLanguage(acceptLanguage);
    }

    /** The tag when it is one of the two (any case), else null. */
    public static String known(String tag) {
        if (tag == null) {
            return null;
        }
        if (tag.equalsIgnoreCase(ENGLISH)) {
            return ENGLISH;
        }
        if (tag.equalsIgnoreCase(CHINESE)) {
            return CHINESE;
        }
        return null;
    }

    /**
     * The first of the browser's languages (by q-value, then order) that Strata has: any {@code zh*}
     * is zh-TW, any {@code en*} English; none of them (or no header): English.
     */
    static String fromAcceptLanguage(String header) {
        if (header == null || header.isBlank() || header.length() > 1000) {
            return ENGLISH;
        }
        String best = ENGLISH;
        double bestQ = 0;
        for (String part : header.split(",")) {
            String[] fields = part.trim().split(";");
            String tag = fields[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < fields.length; i++) {
                String f = fields[i].trim();
                if (f.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(f.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            String lang = tag.equals("zh") || tag.startsWith("zh-") ? CHINESE
                    : tag.equals("en") || tag.startsWith("en-") ? ENGLISH : null;
            if (lang != null && q > bestQ) {
                best = lang;
                bestQ = q;
            }
        }
        return best;
    }

    public static Locale locale(String tag) {
        return CHINESE.equals(tag) ? Locale.TAIWAN : Locale.ENGLISH;
    }

    public static boolean chinese(Object locale) {
        if (locale instanceof Locale l) {
            return l.getLanguage().equals("zh");
        }
        return locale != null && locale.toString().toLowerCase(Locale.ROOT).startsWith("zh");
    }
}

package io.strata.web.i18n;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text the kernel and the hygiene assessment build from fixed phrases in English ("3 d 2 h",
 * "age 16 d 2 h > 14 d", "4 snapshots on this VM > 3"), in Traditional Chinese. Stored and API text
 * stays English; pages translate it on display. A phrase not listed here is shown as it is.
 */
public final class Phrases {

    private static final Pattern AGE_PART = Pattern.compile("(\\d+) (s|min|h|d)\\b");

    private record Rule(Pattern english, String chinese) {
    }

    /** Health reasons of io.strata.hygiene.HealthAssessment, one pattern each ($n: groups, ages translated). */
    private static final List<Rule> REASONS = List.of(
            new Rule(Pattern.compile("age (.+) > (\\d+) d"), "存在時間 $1 > $2 天"),
            new Rule(Pattern.compile("lease expired (\\S+) \\((.+) ago\\)"), "保留期限已於 $1 到期（$2前）"),
            new Rule(Pattern.compile("(\\d+) snapshots on this VM > (\\d+)"), "此 VM 有 $1 個 snapshot > $2"),
            new Rule(Pattern.compile("chain depth (\\d+) > (\\d+)"), "鏈深度 $1 > $2"),
            new Rule(Pattern.compile("overlay (.+) = (\\d+) % of the image's (.+) > (\\d+) %"),
                    "overlay $1 = 映像檔 $3 的 $2 % > $4 %"),
            new Rule(Pattern.compile("the VM runs on this snapshot, (.+) old > (\\d+) d"),
                    "VM 正在此 snapshot 上執行，已存在 $1 > $2 天"));

    private Phrases() {
    }

    /** "3 d 2 h" as the reader reads it: "3 天 2 小時" in Chinese, unchanged in English. */
    public static String age(String english, boolean chinese) {
        if (!chinese || english == null) {
            return english;
        }
        Matcher m = AGE_PART.matcher(english);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String unit = switch (m.group(2)) {
                case "s" -> "秒";
                case "min" -> "分鐘";
                case "h" -> "小時";
                default -> "天";
            };
            m.appendReplacement(out, m.group(1) + " " + unit);
        }
        m.appendTail(out);
        return out.toString();
    }

    /** "… ago": "3 天 2 小時前" in Chinese. */
    public static String ago(String englishAge, boolean chinese) {
        return chinese ? age(englishAge, true) + "前" : englishAge + " ago";
    }

    /** A timeline's title (review.Timelines: "VM host/name", "User name"). */
    public static String timelineTitle(String english, boolean chinese) {
        if (chinese && english != null && english.startsWith("User ")) {
            return "使用者 " + english.substring(5);
        }
        return english;
    }

    /** A health reason in the reader's language; one no rule knows stays as it is. */
    public static String reason(String english, boolean chinese) {
        if (!chinese || english == null) {
            return english;
        }
        for (Rule r : REASONS) {
            Matcher m = r.english.matcher(english);
            if (m.matches()) {
                String out = r.chinese;
                for (int g = m.groupCount(); g >= 1; g--) {
                    out = out.replace("$" + g, age(m.group(g), true));
                }
                return out;
            }
        }
        return english;
    }
}

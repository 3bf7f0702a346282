package io.strata.kernel;

/** How old something is, the way people read it: "42 s", "5 min", "3 h 12 min", "16 d 2 h". */
public final class Ages {

    private Ages() {
    }

    public static String human(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min";
        }
        if (seconds < 86400) {
            return seconds / 3600 + " h " + (seconds % 3600) / 60 + " min";
        }
        return seconds / 86400 + " d " + (seconds % 86400) / 3600 + " h";
    }
}

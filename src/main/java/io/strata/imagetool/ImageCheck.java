package io.strata.imagetool;

/** The outcome of {@code qemu-img check} on one image. */
public record ImageCheck(String file, String format, boolean clean, long corruptions, long leaks, long checkErrors,
                         String summary) {
}

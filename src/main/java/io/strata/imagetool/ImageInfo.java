package io.strata.imagetool;

/** One image of a backing chain, as {@code qemu-img info --backing-chain} reports it. */
public record ImageInfo(String file, String format, long virtualSize, long actualSize, String backingFile,
                        int internalSnapshots) {
}

package io.strata.libvirt;

import java.util.List;
import io.strata.imagetool.ImageInfo;

/**
 * One disk of a domain as the domain XML names it, with its image chain (top first) as qemu-img
 * reports it. {@code chain} is empty when the file could not be inspected; {@code chainError} says why.
 */
public record DiskInfo(String target, String device, String file, String format,
                       List<ImageInfo> chain, String chainError) {
}

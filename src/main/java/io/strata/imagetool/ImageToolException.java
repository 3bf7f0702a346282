package io.strata.imagetool;

import io.strata.kernel.HostFailure;

/** An image tool (qemu-img) failed; the message carries its own words. */
public class ImageToolException extends HostFailure {
    public ImageToolException(String message) {
        super(message);
    }
}

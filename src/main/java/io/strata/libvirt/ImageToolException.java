package io.strata.libvirt;

/** An image tool (qemu-img) failed; the message carries its own words. */
public class ImageToolException extends RuntimeException {
    public ImageToolException(String message) {
        super(message);
    }
}

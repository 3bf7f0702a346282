package io.strata.kernel;

/**
 * Something on the host went wrong (libvirt, qemu-img, libguestfs, a step of a job): the message is
 * written for the user and ends up as the job's error. A job ends FAILED with it, nothing more.
 */
public class HostFailure extends RuntimeException {

    public HostFailure(String message) {
        super(message);
    }

    public HostFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

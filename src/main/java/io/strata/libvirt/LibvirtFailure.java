package io.strata.libvirt;

import io.strata.kernel.HostFailure;

/**
 * A libvirt error turned into something a user can act on. {@link Kind} tells the API layer which
 * HTTP status fits; the message is libvirt's own, prefixed with what Strata was doing.
 */
public class LibvirtFailure extends HostFailure {

    public enum Kind { NOT_FOUND, CONFLICT, HOST_UNAVAILABLE, FAILED }

    private final Kind kind;

    public LibvirtFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public LibvirtFailure(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}

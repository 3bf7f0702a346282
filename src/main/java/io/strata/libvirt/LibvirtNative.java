package io.strata.libvirt;

import java.lang.reflect.Field;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.PointerType;

import org.libvirt.DomainSnapshot;

/**
 * The few libvirt calls libvirt-java 0.5.4 lacks, bound with JNA to the same libvirt library.
 * Only local (no RPC) accessors live here.
 */
final class LibvirtNative {

    interface Virt extends Library {
        /** Returns the snapshot object's name; local, the name travels with the object. */
        String virDomainSnapshotGetName(PointerType snapshot);
    }

    private static final Virt VIRT = Native.load("virt", Virt.class);
    private static final Field SNAPSHOT_POINTER;

    static {
        try {
            SNAPSHOT_POINTER = DomainSnapshot.class.getDeclaredField("vdsp");
            SNAPSHOT_POINTER.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LibvirtNative() {
    }

    static String snapshotName(DomainSnapshot s) {
        try {
            return VIRT.virDomainSnapshotGetName((PointerType) SNAPSHOT_POINTER.get(s));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}

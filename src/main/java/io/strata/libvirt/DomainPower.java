package io.strata.libvirt;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.PointerType;

import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * virDomainShutdownFlags, which libvirt-java 0.5.4 lacks (it has only the flagless shutdown), bound
 * with JNA to the same libvirt library. Errors come back as libvirt-java's own
 * {@link LibvirtException}, read from libvirt's thread-local last error by libvirt-java itself.
 */
final class DomainPower {

    interface Virt extends Library {
        int virDomainShutdownFlags(PointerType domain, int flags);
    }

    private static final Virt VIRT = Native.load("virt", Virt.class);
    private static final Field DOMAIN_POINTER;
    private static final Method PROCESS_ERROR;

    static {
        try {
            DOMAIN_POINTER = Domain.class.getDeclaredField("vdp");
            DOMAIN_POINTER.setAccessible(true);
            PROCESS_ERROR = Class.forName("org.libvirt.ErrorHandler").getDeclaredMethod("processError", int.class);
            PROCESS_ERROR.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DomainPower() {
    }

    /** Asks the guest to shut down the given way; returns at once (the guest may take its time). */
    static void shutdown(Domain dom, PowerMode mode) throws LibvirtException {
        int ret;
        try {
            ret = VIRT.virDomainShutdownFlags((PointerType) DOMAIN_POINTER.get(dom), mode.flags);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        if (ret < 0) {
            try {
                PROCESS_ERROR.invoke(null, ret);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof LibvirtException le) {
                    throw le;
                }
                throw new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("virDomainShutdownFlags failed without a libvirt error");
        }
    }
}

package io.strata.libvirt;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Latency and failures of libvirt calls (issue 14), timed where every call passes
 * ({@link LibvirtConnections#read}, {@link LibvirtConnections#change}). Labels: the host (registered
 * names only), the operation (the gateway method that made the call, e.g. {@code LibvirtSnapshots.revert}:
 * a name in the code, so bounded, never a VM or snapshot name) and the outcome.
 */
@ApplicationScoped
public class LibvirtMetrics {

    private static final StackWalker WALKER = StackWalker.getInstance();

    @Inject
    MeterRegistry registry;

    void call(String host, String operation, long nanos, LibvirtFailure.Kind failure) {
        String outcome = failure == null ? "ok" : failure.name().toLowerCase(Locale.ROOT);
        Timer.builder("strata.libvirt.calls").description("libvirt calls: latency by host, operation and outcome")
                .tag("host", host).tag("operation", operation).tag("outcome", outcome)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        if (failure != null) {
            Counter.builder("strata.libvirt.failures").description("libvirt calls that failed, by host, operation and kind")
                    .tag("host", host).tag("operation", operation).tag("kind", outcome).register(registry).increment();
        }
    }

    /**
     * The gateway method on whose behalf libvirt is called: the first frame outside
     * {@link LibvirtConnections} and this class. Walking a few frames costs microseconds; a libvirt call
     * costs milliseconds, and the call sites keep their human sentences ("reverting web-1 to s1") for logs.
     */
    static String operation() {
        return WALKER.walk(frames -> frames
                .filter(f -> !f.getClassName().equals(LibvirtConnections.class.getName())
                        && !f.getClassName().equals(LibvirtMetrics.class.getName()))
                .findFirst()
                .map(f -> simpleName(f.getClassName()) + "." + f.getMethodName())
                .orElse("unknown"));
    }

    private static String simpleName(String className) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        int nested = simple.indexOf('$');
        return nested < 0 ? simple : simple.substring(0, nested);
    }
}

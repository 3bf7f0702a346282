package io.strata.kernel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A database read that concurrent callers share, without ever answering from the past: each
 * caller gets the value of a read that <em>started after it asked</em>, so it sees every change
 * committed before its request, as if it had read alone. Fifty requests arriving while one read
 * runs wait for the next read and share it: one query instead of fifty (issue 13, lists at 50
 * concurrent clients spent most of their time queueing for connections to run the same query).
 * A failed read fails the callers that waited for it (they would have failed alone too).
 * Callers block: use it on worker threads only.
 */
public final class SharedRead<K, V> {

    private final Function<K, V> read;
    private final ConcurrentHashMap<K, Slot<V>> slots = new ConcurrentHashMap<>();

    /** Reads of one key: how many started, how many ended, and the last one's result. */
    private static final class Slot<V> {
        long started;
        long ended;
        V value;
        RuntimeException failure;
    }

    public SharedRead(Function<K, V> read) {
        this.read = read;
    }

    public V get(K key) {
        Slot<V> slot = slots.computeIfAbsent(key, k -> new Slot<>());
        long mine;
        synchronized (slot) {
            // The read in progress (if any) began before this call: the next one is the first that will do.
            long needed = slot.started + 1;
            while (true) {
                if (slot.ended >= needed) {
                    if (slot.failure != null) {
                        throw slot.failure;
                    }
                    return slot.value;
                }
                if (slot.started == slot.ended) {
                    slot.started = needed; // nobody reads: this caller does, for everyone waiting
                    mine = needed;
                    break;
                }
                try {
                    slot.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a shared read", e);
                }
            }
        }
        V value = null;
        RuntimeException failure = null;
        boolean done = false;
        try {
            value = read.apply(key);
            done = true;
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            // Whatever happened (an Error too), the waiters are woken: a read left unended would block the key for good.
            synchronized (slot) {
                slot.ended = mine;
                slot.value = value;
                slot.failure = done ? null : failure != null ? failure : new IllegalStateException("the shared read ended abnormally");
                slot.notifyAll();
            }
        }
        if (failure != null) {
            throw failure;
        }
        return value;
    }
}

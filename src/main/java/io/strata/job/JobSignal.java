package io.strata.job;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Wakes idle workers of this node when a job was queued (here, or on another node: see
 * {@link JobNotices}). A worker takes the {@link #generation()} before it looks for work and waits
 * for a newer one, so a poke between its look and its wait is not lost.
 */
@ApplicationScoped
public class JobSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private long generation;

    public void poke() {
        lock.lock();
        try {
            generation++;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many pokes so far. */
    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until poked or the timeout passes. */
    void await(long millis) throws InterruptedException {
        awaitAfter(generation(), millis);
    }

    /** Waits until poked after generation {@code seen} (at once if that happened already) or the timeout passes. */
    void awaitAfter(long seen, long millis) throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (generation == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                queued.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }
}

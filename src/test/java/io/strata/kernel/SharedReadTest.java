package io.strata.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SharedReadTest {

    /** A "database" whose value is the number of writes; a read returns the writes it saw when it started. */
    private final AtomicLong writes = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();

    private long slowRead(String key) {
        reads.incrementAndGet();
        long seen = writes.get();
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return seen;
    }

    @Test
    void everyCallerSeesEveryWriteMadeBeforeItAskedWhileConcurrentCallersShareReads() throws Exception {
        SharedRead<String, Long> shared = new SharedRead<>(this::slowRead);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<long[]>> answers = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < 16; t++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    long stale = 0;
                    for (int i = 0; i < 40; i++) {
                        long before = writes.incrementAndGet(); // this caller's own write, then its read
                        if (shared.get("host") < before) {
                            stale++;
                        }
                    }
                    return new long[] { stale };
                }));
            }
            go.countDown();
            long stale = 0;
            for (Future<long[]> f : answers) {
                stale += f.get(60, TimeUnit.SECONDS)[0];
            }
            assertEquals(0, stale, "no caller got a value read before its own write");
            assertTrue(reads.get() < 16 * 40, "concurrent callers shared reads: " + reads.get() + " reads for 640 calls");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedReadFailsItsCallersAndTheNextReadIsTriedAgain() {
        AtomicInteger calls = new AtomicInteger();
        SharedRead<String, String> shared = new SharedRead<>(k -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("database away");
            }
            return "v" + calls.get();
        });
        assertThrows(IllegalStateException.class, () -> shared.get("a"));
        assertEquals("v2", shared.get("a"));
        assertEquals("v3", shared.get("a"), "alone, every call reads");
    }

    @Test
    void keysAreReadApart() {
        SharedRead<String, String> shared = new SharedRead<>(k -> k + "!");
        assertEquals("a!", shared.get("a"));
        assertEquals("b!", shared.get("b"));
    }
}

package dev.sotto.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ComputePoolTest {

    @Test
    void everyIndexRunsExactlyOnceOnOurOwnThreads() {
        try (ComputePool pool = new ComputePool(4)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(10_000);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            pool.parallelFor(hits.length(), i -> {
                hits.incrementAndGet(i);
                threads.add(Thread.currentThread().getName());
                assertFalse(Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread, "must not run in a fork-join pool");
            });
            for (int i = 0; i < hits.length(); i++) {
                assertEquals(1, hits.get(i), "index " + i);
            }
            String caller = Thread.currentThread().getName();
            assertTrue(threads.stream().allMatch(n -> n.equals(caller) || n.startsWith("sotto-compute-")), threads.toString());
        }
    }

    @Test
    void firstFailureIsRethrownAfterAllItemsRan() {
        try (ComputePool pool = new ComputePool(3)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(100);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(100, i -> {
                hits.incrementAndGet(i);
                if (i == 42) {
                    throw new IllegalStateException("boom at 42");
                }
            }));
            assertEquals("boom at 42", e.getMessage());
            for (int i = 0; i < 100; i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void nestedParallelLoopsDoNotDeadlock() {
        try (ComputePool pool = new ComputePool(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(64 * 64);
            assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                    pool.parallelFor(64, i -> pool.parallelFor(64, j -> hits.incrementAndGet(i * 64 + j))));
            for (int i = 0; i < hits.length(); i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void closedPoolStillCompletesWorkOnTheCaller() {
        ComputePool pool = new ComputePool(4);
        pool.close();
        AtomicIntegerArray hits = new AtomicIntegerArray(50);
        pool.parallelFor(50, hits::incrementAndGet);
        for (int i = 0; i < 50; i++) {
            assertEquals(1, hits.get(i));
        }
    }

    @Test
    void threadCountIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ComputePool(0));
        assertEquals(1, new ComputePool(1).threads());
    }
}

package dev.sotto.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The engine's own fixed pool of compute threads (never the common pool). {@link #parallelFor} splits
 * work items across the workers and the calling thread, which always takes part, so nested calls cannot
 * deadlock: a caller only waits for items that another thread is already running.
 */
public final class ComputePool implements AutoCloseable {
    /** System property for the default pool's thread count. */
    public static final String THREADS_PROPERTY = "sotto.threads";

    private static volatile ComputePool shared;

    private final int threads;
    private final ExecutorService workers;

    /** A pool of {@code threads} threads in all: the caller plus {@code threads - 1} workers. */
    public ComputePool(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("thread count must be between 1 and 1024, got " + threads);
        }
        this.threads = threads;
        AtomicInteger counter = new AtomicInteger();
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "sotto-compute-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The process-wide default pool, sized by {@code -Dsotto.threads} or else the available processors.
     */
    public static ComputePool shared() {
        ComputePool p = shared;
        if (p == null) {
            synchronized (ComputePool.class) {
                p = shared;
                if (p == null) {
                    p = new ComputePool(defaultThreads());
                    shared = p;
                }
            }
        }
        return p;
    }

    /** The thread count named by {@code -Dsotto.threads}, else the number of available processors. */
    public static int defaultThreads() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + THREADS_PROPERTY + " must be a whole number, not '" + value + "'");
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, count)}, spread over the pool, and
     * returns when all have finished. The first exception thrown by an item is rethrown after all items ran.
     */
    public void parallelFor(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        if (workers == null || count == 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        Job job = new Job(count, body);
        int helpers = Math.min(threads - 1, count - 1);
        for (int h = 0; h < helpers; h++) {
            try {
                workers.execute(job::work);
            } catch (RejectedExecutionException closed) {
                break; // pool closed: the caller does the rest itself
            }
        }
        job.work();
        job.awaitAll();
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdown();
        }
    }

    private static final class Job {
        private final int count;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final CountDownLatch done = new CountDownLatch(1);

        Job(int count, IntConsumer body) {
            this.count = count;
            this.body = body;
        }

        void work() {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (finished.incrementAndGet() == count) {
                        done.countDown();
                    }
                }
            }
        }

        void awaitAll() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // items already running cannot be abandoned; wait, then restore the flag
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}

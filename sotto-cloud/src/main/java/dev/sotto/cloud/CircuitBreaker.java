package dev.sotto.cloud;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops calling a failing service for a while: after {@code threshold} failures in a row the breaker opens and
 * refuses requests for {@code openFor}; then it lets one trial through (half-open): success closes it, failure
 * opens it again. Thread-safe.
 */
public final class CircuitBreaker {
    /** The breaker's state. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final long openNanos;
    private final LongSupplier clock;
    private int failures;
    private long openedAt;
    private State state = State.CLOSED;
    private boolean trialInFlight;

    public CircuitBreaker(int threshold, Duration openFor) {
        this(threshold, openFor, System::nanoTime);
    }

    /** With a clock in nanoseconds (for tests). */
    public CircuitBreaker(int threshold, Duration openFor, LongSupplier clock) {
        if (threshold < 1 || openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("breaker threshold must be >= 1 and its open time positive");
        }
        this.threshold = threshold;
        this.openNanos = openFor.toNanos();
        this.clock = clock;
    }

    /** Three failures in a row open it for 30 s. */
    public static CircuitBreaker standard() {
        return new CircuitBreaker(3, Duration.ofSeconds(30));
    }

    /** Whether a request may go through now (in half-open state, only one trial at a time). */
    public synchronized boolean allowRequest() {
        if (state == State.OPEN && clock.getAsLong() - openedAt >= openNanos) {
            state = State.HALF_OPEN;
            trialInFlight = false;
        }
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> {
                if (trialInFlight) {
                    yield false;
                }
                trialInFlight = true;
                yield true;
            }
        };
    }

    public synchronized void recordSuccess() {
        failures = 0;
        state = State.CLOSED;
        trialInFlight = false;
    }

    public synchronized void recordFailure() {
        failures++;
        if (state == State.HALF_OPEN || failures >= threshold) {
            state = State.OPEN;
            openedAt = clock.getAsLong();
            trialInFlight = false;
        }
    }

    public synchronized State state() {
        if (state == State.OPEN && clock.getAsLong() - openedAt >= openNanos) {
            return State.HALF_OPEN;
        }
        return state;
    }
}

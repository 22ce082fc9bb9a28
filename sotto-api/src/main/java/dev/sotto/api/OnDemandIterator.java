package dev.sotto.api;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator whose items are made by {@link #produce()} only when {@code hasNext()} or {@code next()} asks, never
 * ahead of the caller (so a stream's first chunk costs only itself).
 */
public abstract class OnDemandIterator<T> implements Iterator<T> {
    private T next;
    private boolean ended;

    /** The next item, or null at the end. */
    protected abstract T produce();

    @Override
    public final boolean hasNext() {
        if (next == null && !ended) {
            next = produce();
            ended = next == null;
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T t = next;
        next = null;
        return t;
    }
}

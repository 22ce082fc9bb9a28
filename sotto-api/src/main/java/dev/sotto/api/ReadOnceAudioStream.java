package dev.sotto.api;

import java.util.Iterator;

/**
 * The scaffold every {@link AudioStream} shares: it can be read once, and its chunks are produced on demand (never
 * ahead of the reader) by {@link #produce()}.
 */
public abstract class ReadOnceAudioStream implements AudioStream {
    private boolean consumed;

    /** The next chunk, or null at the end. */
    protected abstract AudioChunk produce();

    @Override
    public final Iterator<AudioChunk> iterator() {
        if (consumed) {
            throw new IllegalStateException("a speech stream can be read once");
        }
        consumed = true;
        return new OnDemandIterator<>() {
            @Override
            protected AudioChunk produce() {
                return ReadOnceAudioStream.this.produce();
            }
        };
    }
}

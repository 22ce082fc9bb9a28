package dev.sotto.codec;

import java.io.IOException;

/**
 * Encodes mono float samples into one output format as they arrive, writing each finished frame to its output
 * at once (so a response or a pipe can start before the utterance ends). Memory is bounded by one frame plus the
 * codec's own state, whatever the length. One instance per stream; not thread-safe.
 */
public interface AudioEncoder {
    /** Encodes {@code samples[from, to)}, values in [-1, 1] (beyond is clipped, NaN is silence). */
    void write(float[] samples, int from, int to) throws IOException;

    /** Encodes what is still buffered and ends the stream (trailer, end-of-stream page); does not close the output. */
    void finish() throws IOException;

    /**
     * For an output that can seek: once {@link #finish()}ed, the bytes to write over the start of the output
     * (a header holding the exact length and checksum, which a stream cannot know when it starts), or null when
     * the format has nothing to correct. Same length as the header first written.
     */
    default byte[] finalHeader() {
        return null;
    }
}

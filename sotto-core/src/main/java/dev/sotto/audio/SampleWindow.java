package dev.sotto.audio;

import java.util.Arrays;

/**
 * The recent part of a stream of samples, addressed by absolute index (position since the stream began): samples are
 * appended at the end and forgotten from the front once no later computation reads them. The streaming
 * {@link Resampler}, {@link PitchShifter} and {@link Whisperer} keep their input in one.
 */
final class SampleWindow {
    private float[] data = new float[0];
    private int count;
    private long start;

    void append(float[] src, int from, int n) {
        if (count + n > data.length) {
            data = Arrays.copyOf(data, Math.max(count + n, 2 * data.length + 1024));
        }
        System.arraycopy(src, from, data, count, n);
        count += n;
    }

    /** The sample at absolute index {@code i}; zero outside the window. */
    float at(long i) {
        long j = i - start;
        return j >= 0 && j < count ? data[(int) j] : 0f;
    }

    /** Absolute index of the first sample kept. */
    long start() {
        return start;
    }

    /** Absolute index just past the last sample appended. */
    long end() {
        return start + count;
    }

    /** The backing array for hot loops: absolute index {@code i} in [start, end) is at {@code array()[i - start]}. */
    float[] array() {
        return data;
    }

    /**
     * Forgets the samples before absolute index {@code i}, once at least {@code minDrop} of them can go (dropping
     * moves the rest to the front, so callers batch it).
     */
    void dropBefore(long i, int minDrop) {
        long drop = Math.min(count, i - start);
        if (drop > 0 && drop >= minDrop) {
            System.arraycopy(data, (int) drop, data, 0, count - (int) drop);
            count -= (int) drop;
            start += drop;
        }
    }
}

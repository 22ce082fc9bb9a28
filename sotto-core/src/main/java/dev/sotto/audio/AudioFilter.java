package dev.sotto.audio;

/**
 * A streaming transformation of mono audio: {@link #process} returns the output that is final so far (possibly
 * none while a window fills), {@link #flush} the rest once the input has ended. The output of the whole equals the
 * output of any chunking. One instance per stream; not thread-safe.
 */
public interface AudioFilter {

    /** Feeds {@code input[from, from + n)}; returns the output samples that are now final. */
    float[] process(float[] input, int from, int n);

    /** The rest of the output. The filter cannot be used after this. */
    float[] flush();
}

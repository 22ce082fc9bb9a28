package dev.sotto.model;

import java.util.List;
import java.util.Map;

/**
 * One utterance being synthesized: audio pulled in pieces, each computed when asked for (never ahead), so that the
 * first piece costs only itself. Per-utterance state only; one reader at a time.
 */
public interface Utterance {

    /** Whether another piece follows. */
    boolean hasNext();

    /** The next piece of audio. */
    AudioPiece next();

    /** Input tokens the utterance was prepared from (phoneme ids, text tokens): what its cost grows with. */
    int tokenCount();

    /**
     * Samples spoken per input token (phoneme id), where the family predicts durations (VITS), known once the
     * utterance is prepared; null where it has none (an autoregressive latent model decides as it goes).
     */
    int[] samplesPerToken();

    /**
     * The texts of the segments the model split its input into, in order, where it splits text itself (Pocket
     * TTS cuts a passage into chunks of whole sentences); empty when the input is one segment chosen by the caller.
     */
    List<String> segments();

    /** Nanoseconds spent so far in each phase of the family's pipeline (insertion order), for benchmarks. */
    Map<String, Long> phaseNanos();

    /**
     * A piece of audio.
     *
     * @param samples mono samples at the model's rate
     * @param segment index into {@link #segments()} (0 when there are none)
     */
    record AudioPiece(float[] samples, int segment) {
    }
}

package dev.sotto.audio;

import java.util.Arrays;

/**
 * Shifts the pitch of speech by a number of semitones while keeping its duration: the signal is first stretched
 * in time by the pitch ratio a = 2^(semitones/12) with WSOLA ({@link TimeStretcher}, which keeps the pitch), then
 * resampled by a with {@link Resampler}, which scales every frequency by a and brings the length back. Formants move
 * with the pitch (as in any plain pitch shift); within a few semitones speech stays natural.
 *
 * <p>Streams: {@link #process} returns what is final so far, {@link #flush} the rest; the output has exactly as
 * many samples as the input. One instance per stream; not thread-safe.
 */
public final class PitchShifter implements AudioFilter {
    private final double ratio;
    private final TimeStretcher stretcher;
    private final Resampler resampler;
    private long inputTotal;
    private long produced;
    private boolean flushed;

    /**
     * @param semitones shift, -12 to 12 (0 passes the signal through unchanged)
     * @param sampleRate of the signal, for the frame and search sizes
     */
    public PitchShifter(double semitones, int sampleRate) {
        if (!(semitones >= -12 && semitones <= 12)) {
            throw new IllegalArgumentException("pitch shift must be between -12 and +12 semitones, got " + semitones);
        }
        this.ratio = Math.pow(2, semitones / 12.0);
        this.stretcher = new TimeStretcher(ratio, sampleRate);
        this.resampler = new Resampler(ratio);
    }

    /** Pitch ratio: 2^(semitones / 12). */
    public double ratio() {
        return ratio;
    }

    /** Whether this shifter changes anything (a zero shift is a plain copy). */
    public boolean isIdentity() {
        return ratio == 1.0;
    }

    /** Feeds {@code input[from, from + n)} and returns the output samples that are now final. */
    @Override
    public float[] process(float[] input, int from, int n) {
        if (flushed) {
            throw new IllegalStateException("the pitch shifter has been flushed");
        }
        inputTotal += n;
        if (isIdentity()) {
            produced += n;
            return Arrays.copyOfRange(input, from, from + n);
        }
        float[] stretched = stretcher.process(input, from, n);
        return cap(resampler.process(stretched, 0, stretched.length));
    }

    /** The rest of the output, so that the total equals the input's length. The shifter cannot be used after this. */
    @Override
    public float[] flush() {
        if (flushed) {
            throw new IllegalStateException("the pitch shifter has been flushed");
        }
        flushed = true;
        if (isIdentity()) {
            return new float[0];
        }
        float[] stretched = stretcher.flushUncapped();
        stretcher.markFlushed();
        float[] out = resampler.process(stretched, 0, stretched.length);
        float[] all = cap(Samples.concat(out, resampler.flush()));
        long missing = inputTotal - produced; // normally none: the resampler's flush reaches the full length
        if (missing > 0) {
            all = Arrays.copyOf(all, all.length + (int) missing);
            produced = inputTotal;
        }
        return all;
    }

    /** Never more than the input's length in total. */
    private float[] cap(float[] out) {
        long room = inputTotal - produced;
        if (out.length > room) {
            out = Arrays.copyOf(out, (int) Math.max(0, room));
        }
        produced += out.length;
        return out;
    }
}

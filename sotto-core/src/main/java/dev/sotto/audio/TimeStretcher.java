package dev.sotto.audio;

import dev.sotto.kernel.VectorMath;
import java.util.Arrays;

/**
 * Changes the duration of speech by a factor without changing its pitch, with WSOLA (waveform-similarity
 * overlap-add): Hann-windowed frames of about 23 ms are laid down at half overlap, each taken from within +/- 15 ms
 * of its nominal place in the input where it best continues the previous frame, so pitch periods line up.
 *
 * <p>Streams: {@link #process} returns what is final so far, {@link #flush} the rest; in all the output has
 * {@code round(input * factor)} samples. One instance per stream; not thread-safe.
 */
public final class TimeStretcher implements AudioFilter {
    private final double factor;
    private final int frame;      // N, samples per WSOLA frame
    private final int hop;        // synthesis hop = N / 2
    private final int tolerance;  // search range on each side, samples
    private final float[] window; // periodic Hann [N]: shifted copies at N/2 sum to 1

    // The input, preceded by `hop` zeros (so the first frame's rising half covers silence): absolute index = input + hop.
    private final SampleWindow in = new SampleWindow();
    private long inputTotal;
    // WSOLA state: next frame index, input position of the previous frame.
    private long nextFrame;
    private long previousPosition;
    // Overlap-add buffer of the stretched signal from absolute index olaStart.
    private float[] ola;
    private long olaStart;
    // Stretched samples still to skip (the image of the leading zeros), and output count.
    private long skipped;
    private long produced;
    private boolean flushed;

    /**
     * @param factor output duration over input duration, 0.25 to 4 (1 passes the signal through unchanged)
     * @param sampleRate of the signal, for the frame and search sizes
     */
    public TimeStretcher(double factor, int sampleRate) {
        if (!(factor >= 0.25 && factor <= 4)) {
            throw new IllegalArgumentException("time-stretch factor must be between 0.25 and 4, got " + factor);
        }
        if (sampleRate < 4000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " is outside 4000..192000 Hz");
        }
        this.factor = factor;
        this.frame = 2 * Math.round(0.0116f * sampleRate);
        this.hop = frame / 2;
        this.tolerance = Math.round(0.015f * sampleRate); // at least one period down to 67 Hz
        this.window = new float[frame];
        for (int i = 0; i < frame; i++) {
            window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / frame));
        }
        this.ola = new float[4 * frame];
        in.append(new float[hop], 0, hop);
    }

    /** Whether this stretcher changes anything (factor 1 is a plain copy). */
    public boolean isIdentity() {
        return factor == 1.0;
    }

    /** Feeds {@code input[from, from + n)} and returns the output samples that are now final. */
    @Override
    public float[] process(float[] input, int from, int n) {
        if (flushed) {
            throw new IllegalStateException("the time stretcher has been flushed");
        }
        inputTotal += n;
        if (isIdentity()) {
            produced += n;
            return Arrays.copyOfRange(input, from, from + n);
        }
        in.append(input, from, n);
        return cap(drain());
    }

    /** The rest of the output, so that the total is {@code round(input * factor)}. Cannot be used after this. */
    @Override
    public float[] flush() {
        if (flushed) {
            throw new IllegalStateException("the time stretcher has been flushed");
        }
        flushed = true;
        if (isIdentity()) {
            return new float[0];
        }
        float[] rest = flushUncapped();
        long total = Math.round(inputTotal * factor);
        long missing = total - produced - rest.length;
        float[] out = missing > 0 ? Arrays.copyOf(rest, rest.length + (int) missing) : rest;
        return cap(out);
    }

    /**
     * The stretched samples after the input's end, zeros appended so that the last frames (and the search around
     * them) complete; more than {@code round(input * factor)} in total. For {@link PitchShifter}, which trims later.
     */
    float[] flushUncapped() {
        int tail = 2 * frame + 2 * tolerance + (int) Math.ceil(frame * factor) + 64;
        in.append(new float[tail], 0, tail);
        return drain();
    }

    /** Marks the stretcher flushed after {@link #flushUncapped} (for {@link PitchShifter}, which trims the output itself). */
    void markFlushed() {
        flushed = true;
    }

    /** Never more than {@code round(input * factor)} samples in total. */
    private float[] cap(float[] out) {
        long room = Math.round(inputTotal * factor) - produced;
        if (!flushed) {
            room = Long.MAX_VALUE; // the total is not known yet; WSOLA output trails the input anyway
        }
        if (out.length > room) {
            out = Arrays.copyOf(out, (int) Math.max(0, room));
        }
        produced += out.length;
        return out;
    }

    /** Runs every WSOLA frame whose input (with search range) is available; returns the stretched samples now final. */
    float[] drain() {
        long available = in.end(); // absolute input samples available (the leading zeros included)
        double analysisHop = hop / factor;
        float[] stretched = new float[0];
        int stretchedCount = 0;
        while (true) {
            long nominal = Math.round(nextFrame * analysisHop);
            if (nominal + tolerance + frame > available) {
                break;
            }
            long position = nextFrame == 0 ? nominal : bestPosition(nominal, previousPosition + hop);
            long outAt = nextFrame * hop;
            ensureOla(outAt + frame);
            int base = (int) (outAt - olaStart);
            for (int i = 0; i < frame; i++) {
                ola[base + i] += window[i] * in.at(position + i);
            }
            previousPosition = position;
            nextFrame++;
            // Samples before the next frame's start are final.
            long finalUntil = nextFrame * hop;
            int finished = (int) (finalUntil - olaStart);
            if (stretchedCount + finished > stretched.length) {
                stretched = Arrays.copyOf(stretched, Math.max(stretchedCount + finished, 2 * stretched.length));
            }
            System.arraycopy(ola, 0, stretched, stretchedCount, finished);
            stretchedCount += finished;
            System.arraycopy(ola, finished, ola, 0, ola.length - finished);
            Arrays.fill(ola, ola.length - finished, ola.length, 0f);
            olaStart = finalUntil;
            in.dropBefore(position - 2 * tolerance - hop - 1, 4097); // below any later search
        }
        // The first `hop` inputs are virtual zeros: their stretched image (hop * factor samples) is dropped.
        int skip = (int) Math.min(stretchedCount, Math.max(0, Math.round(hop * factor) - skipped));
        skipped += skip;
        return Arrays.copyOfRange(stretched, skip, stretchedCount);
    }

    /**
     * The frame position within {@code nominal +/- tolerance} whose first half best matches the natural
     * continuation of the previous frame (at {@code continuation}): largest cross-correlation normalised by the
     * candidate's energy, so that a louder stretch does not win over the one in phase.
     */
    private long bestPosition(long nominal, long continuation) {
        int overlap = frame - hop;
        float[] target = new float[overlap];
        for (int i = 0; i < overlap; i++) {
            target[i] = in.at(continuation + i) * window[i];
        }
        long first = nominal - tolerance;
        int span = 2 * tolerance + overlap;
        float[] region = new float[span];
        for (int i = 0; i < span; i++) {
            region[i] = in.at(first + i);
        }
        double energy = 0;
        for (int i = 0; i < overlap; i++) {
            energy += region[i] * (double) region[i];
        }
        long best = nominal;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c <= 2 * tolerance; c++) {
            if (c > 0) { // slide the candidate's energy by one sample
                energy += region[c + overlap - 1] * (double) region[c + overlap - 1] - region[c - 1] * (double) region[c - 1];
            }
            double dot = VectorMath.dot(target, 0, region, c, overlap); // the search's hot loop, on the vector unit
            double score = dot / Math.sqrt(Math.max(energy, 1e-20));
            if (score > bestScore) {
                bestScore = score;
                best = first + c;
            }
        }
        return best;
    }

    private void ensureOla(long until) {
        long need = until - olaStart;
        if (need > ola.length) {
            ola = Arrays.copyOf(ola, (int) Math.max(need, 2L * ola.length));
        }
    }
}

package dev.sotto.audio;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Turns speech into a whisper: the vocal tract is kept, the voice's pitch is replaced by breath. Per Hann frame of
 * about 23 ms at half overlap, the spectral envelope is estimated by linear prediction (order 2 + rate/1000,
 * autocorrelation method, Levinson-Durbin), and the frame is re-made from white noise through that all-pole filter,
 * shaped by a sine window and scaled to the frame's power; the frames are overlap-added (the noise of neighbouring
 * frames is independent, so their powers add, and squared sine windows at half overlap sum to one). Streams:
 * {@link #process} returns what is final, {@link #flush} the rest; the output has as many samples as the input.
 * Seeded: the same input gives the same output, however it is chunked. One instance per stream.
 */
public final class Whisperer implements AudioFilter {
    private final int hop;        // frame k covers input [(k - 1) * hop, (k + 1) * hop)
    private final int frame;      // 2 * hop
    private final int order;
    private final float[] window;     // Hann, for analysis
    private final float[] synthesis;  // sine = sqrt(Hann), for the noise frames
    private final double powerRatio;  // sum(synthesis^2) / sum(window^2)
    private final SplittableRandom noise;

    private final SampleWindow in = new SampleWindow();
    private long inputTotal;
    private long nextFrame;
    private final float[] ola;         // [frame]: output from absolute index olaStart
    private long olaStart;             // frame 0 starts at -hop; samples before 0 are dropped
    private long produced;
    private boolean flushed;

    public Whisperer(int sampleRate, long seed) {
        if (sampleRate < 4000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " is outside 4000..192000 Hz");
        }
        this.hop = Math.round(0.0116f * sampleRate);
        this.frame = 2 * hop;
        this.order = 2 + sampleRate / 1000;
        this.window = new float[frame];
        this.synthesis = new float[frame];
        double sw = 0;
        double ss = 0;
        for (int i = 0; i < frame; i++) {
            window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / frame));
            synthesis[i] = (float) Math.sqrt(window[i]);
            sw += window[i] * (double) window[i];
            ss += synthesis[i] * (double) synthesis[i];
        }
        this.powerRatio = ss / sw;
        this.noise = new SplittableRandom(seed);
        this.ola = new float[frame];
        this.olaStart = -hop;
    }

    /** Feeds {@code input[from, from + n)}; returns the output samples that are now final. */
    @Override
    public float[] process(float[] input, int from, int n) {
        if (flushed) {
            throw new IllegalStateException("the whisperer has been flushed");
        }
        in.append(input, from, n);
        inputTotal += n;
        return drain();
    }

    /** The rest of the output (the total equals the input's length). The whisperer cannot be used after this. */
    @Override
    public float[] flush() {
        if (flushed) {
            throw new IllegalStateException("the whisperer has been flushed");
        }
        flushed = true;
        in.append(new float[frame], 0, frame); // zeros let the last frames complete
        float[] rest = drain();
        long missing = inputTotal - produced;
        return missing > 0 ? Arrays.copyOf(rest, rest.length + (int) missing) : rest;
    }

    private float[] drain() {
        float[] out = new float[0];
        int count = 0;
        // Frame k needs input up to (k + 1) * hop.
        while ((nextFrame + 1) * hop <= in.end()) {
            float[] made = frameAt(nextFrame);
            for (int i = 0; i < frame; i++) {
                ola[i] += made[i];
            }
            nextFrame++;
            // Samples before the next frame's start, (nextFrame - 1) * hop, are final: the first hop of ola.
            if (out.length < count + hop) {
                out = Arrays.copyOf(out, Math.max(count + hop, 2 * out.length));
            }
            long first = olaStart;
            for (int i = 0; i < hop; i++) {
                long abs = first + i;
                if (abs >= 0 && abs < inputTotal && produced < inputTotal) {
                    out[count++] = ola[i];
                    produced++;
                }
            }
            System.arraycopy(ola, hop, ola, 0, frame - hop);
            Arrays.fill(ola, frame - hop, frame, 0f);
            olaStart += hop;
            in.dropBefore((nextFrame - 1) * hop, 8193);
        }
        return Arrays.copyOf(out, count);
    }

    /** Frame k, whispered and windowed: noise through the frame's all-pole envelope, with the frame's energy. */
    private float[] frameAt(long k) {
        long start = (k - 1) * hop;
        double[] x = new double[frame];
        double energy = 0;
        for (int i = 0; i < frame; i++) {
            x[i] = in.at(start + i) * (double) window[i];
            energy += x[i] * x[i];
        }
        float[] y = new float[frame];
        if (energy < 1e-12) {
            return y;
        }
        double[] a = lpc(x, order);
        double[] state = new double[order];
        double[] raw = new double[frame];
        double made = 0;
        for (int i = 0; i < frame; i++) {
            double e = noise.nextDouble() * 2 - 1;
            double v = e;
            for (int m = 0; m < order; m++) {
                v -= a[m + 1] * state[m];
            }
            System.arraycopy(state, 0, state, 1, order - 1);
            state[0] = v;
            raw[i] = v * synthesis[i];
            made += raw[i] * raw[i];
        }
        // The analysis frame's energy is the signal's power times sum(window^2); the noise frame gets the same power.
        double gain = made > 0 ? Math.sqrt(energy * powerRatio / made) : 0;
        for (int i = 0; i < frame; i++) {
            y[i] = (float) (raw[i] * gain);
        }
        return y;
    }

    /** Prediction coefficients a[0..p] (a[0] = 1) of x by the autocorrelation method (Levinson-Durbin). */
    static double[] lpc(double[] x, int p) {
        double[] r = new double[p + 1];
        for (int lag = 0; lag <= p; lag++) {
            double s = 0;
            for (int i = lag; i < x.length; i++) {
                s += x[i] * x[i - lag];
            }
            r[lag] = s;
        }
        r[0] *= 1.0001; // a little white noise: keeps the filter stable and its peaks finite
        double[] a = new double[p + 1];
        a[0] = 1;
        double err = r[0];
        double[] tmp = new double[p + 1];
        for (int i = 1; i <= p; i++) {
            double acc = r[i];
            for (int j = 1; j < i; j++) {
                acc += a[j] * r[i - j];
            }
            double k = -acc / err;
            System.arraycopy(a, 0, tmp, 0, i);
            for (int j = 1; j < i; j++) {
                a[j] = tmp[j] + k * tmp[i - j];
            }
            a[i] = k;
            err *= 1 - k * k;
            if (err <= 0) {
                break;
            }
        }
        return a;
    }
}

package dev.sotto.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResamplerTest {
    static float[] sine(double hz, int rate, int n, double phase) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / rate + phase));
        }
        return x;
    }

    static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * (double) x[i];
        }
        return Math.sqrt(s / (to - from));
    }

    /** SNR (dB) of {@code actual} against {@code expected} on [from, to). */
    static double snr(float[] expected, float[] actual, int from, int to) {
        double sig = 0;
        double err = 0;
        for (int i = from; i < to; i++) {
            sig += expected[i] * (double) expected[i];
            double e = expected[i] - actual[i];
            err += e * e;
        }
        return 10 * Math.log10(sig / err);
    }

    @Test
    void tonesInTheBandComeOutAsTheSameTonesAtTheNewRate() {
        int[][] pairs = {{22050, 24000}, {24000, 22050}, {22050, 16000}, {16000, 48000}, {22050, 44100}};
        for (int[] p : pairs) {
            for (double hz : new double[] {110, 1000, 0.4 * Math.min(p[0], p[1])}) {
                float[] in = sine(hz, p[0], p[0], 0.3);
                float[] out = Resampler.resample(in, p[0], p[1]);
                assertEquals(Math.round(in.length * (double) p[1] / p[0]), out.length, "length " + Arrays.toString(p));
                float[] ideal = sine(hz, p[1], out.length, 0.3);
                int edge = p[1] / 20; // the signal starts and stops abruptly: skip 50 ms at each end
                double snr = snr(ideal, out, edge, out.length - edge);
                assertTrue(snr > 70, hz + " Hz " + Arrays.toString(p) + ": " + snr + " dB");
            }
        }
    }

    @Test
    void downsamplingRemovesWhatTheNewRateCannotHold() {
        // 10 kHz cannot exist at 16 kHz (Nyquist 8 kHz): without the low-pass it would alias to 6 kHz.
        float[] in = sine(10_000, 22050, 22050, 0);
        float[] out = Resampler.resample(in, 22050, 16000);
        double level = 20 * Math.log10(rms(out, 800, out.length - 800) / rms(in, 0, in.length));
        assertTrue(level < -70, "alias at " + level + " dB");
    }

    @Test
    void streamedChunksEqualTheWholeSignal() {
        Random rnd = new Random(3);
        float[] in = new float[30_000];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) rnd.nextGaussian() * 0.2f;
        }
        float[] whole = Resampler.resample(in, 22050, 24000);
        Resampler r = Resampler.ofRates(22050, 24000);
        float[] streamed = new float[0];
        int at = 0;
        while (at < in.length) {
            int n = Math.min(in.length - at, 1 + rnd.nextInt(3000));
            streamed = concat(streamed, r.process(in, at, n));
            at += n;
        }
        streamed = concat(streamed, r.flush());
        assertArrayEquals(whole, streamed);
        assertThrows(IllegalStateException.class, r::flush);
    }

    @Test
    void convertingBetweenEqualRatesPassesAudioThrough() {
        float[] in = {0.1f, -0.2f, 0.3f, 0.4f};
        AudioFilter same = Resampler.converting(24000, 24000);
        assertArrayEquals(new float[] {-0.2f, 0.3f}, same.process(in, 1, 2));
        assertEquals(0, same.flush().length);
        assertTrue(Resampler.converting(22050, 24000) instanceof Resampler);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Resampler.ofRates(0, 24000));
        assertThrows(IllegalArgumentException.class, () -> new Resampler(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Resampler(-1));
        assertEquals(0, Resampler.resample(new float[0], 22050, 24000).length);
    }

    static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

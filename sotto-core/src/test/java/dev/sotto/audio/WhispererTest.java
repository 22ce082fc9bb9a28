package dev.sotto.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WhispererTest {
    static float[] whisper(float[] x, int chunk, long seed) {
        Whisperer w = new Whisperer(PitchShifterTest.RATE, seed);
        float[] out = new float[0];
        for (int at = 0; at < x.length; at += chunk) {
            out = ResamplerTest.concat(out, w.process(x, at, Math.min(chunk, x.length - at)));
        }
        return ResamplerTest.concat(out, w.flush());
    }

    /** Fraction of the signal's energy below {@code hz} (by a plain DFT over a stretch). */
    static double energyBelow(float[] x, double hz, int from, int n) {
        double below = 0;
        double total = 0;
        for (int k = 1; k < n / 2; k++) {
            double re = 0;
            double im = 0;
            for (int i = 0; i < n; i++) {
                double ph = 2 * Math.PI * k * i / n;
                re += x[from + i] * Math.cos(ph);
                im -= x[from + i] * Math.sin(ph);
            }
            double p = re * re + im * im;
            total += p;
            if (k * (double) PitchShifterTest.RATE / n < hz) {
                below += p;
            }
        }
        return below / total;
    }

    @Test
    void voicedSpeechBecomesUnvoicedWithItsLevelAndEnvelopeKept() {
        PitchEstimator yin = new PitchEstimator(PitchShifterTest.RATE, 60, 500);
        float[] x = PitchShifterTest.voiced(140);
        float[] y = whisper(x, 4096, 7);
        assertEquals(x.length, y.length, "duration kept");
        double[] voicedBefore = yin.track(x, 512);
        double[] voicedAfter = yin.track(y, 512);
        long before = Arrays.stream(voicedBefore).filter(v -> !Double.isNaN(v)).count();
        long after = Arrays.stream(voicedAfter).filter(v -> !Double.isNaN(v)).count();
        assertTrue(before > 0.9 * voicedBefore.length, "the test signal is voiced");
        assertTrue(after < 0.1 * voicedAfter.length, "whispered frames voiced: " + after + " of " + voicedAfter.length);
        double gain = 20 * Math.log10(ResamplerTest.rms(y, 2000, y.length - 2000) / ResamplerTest.rms(x, 2000, x.length - 2000));
        assertTrue(Math.abs(gain) < 1.5, "level change " + gain + " dB");
        // The envelope (formants at 500 and 1500 Hz) is kept: most energy stays below 2 kHz.
        double low = energyBelow(y, 2000, 10_000, 2048);
        assertTrue(low > 0.8, "energy below 2 kHz: " + low);
    }

    @Test
    void chunkingDoesNotChangeTheOutputAndTheSeedDoes() {
        float[] x = PitchShifterTest.voiced(110);
        float[] a = whisper(x, 1 << 20, 3);
        assertArrayEquals(a, whisper(x, 333, 3));
        assertArrayEquals(a, whisper(x, 1, 3));
        assertTrue(!Arrays.equals(a, whisper(x, 4096, 4)));
        assertEquals(0, whisper(new float[0], 10, 1).length);
        assertEquals(5, whisper(new float[5], 10, 1).length);
        float[] silence = whisper(new float[5000], 700, 1);
        for (float v : silence) {
            assertEquals(0f, v);
        }
        assertThrows(IllegalArgumentException.class, () -> new Whisperer(100, 1));
    }

    @Test
    void linearPredictionFindsAKnownResonance() {
        // x[n] = 1.6 x[n-1] - 0.8 x[n-2] + e[n]: an order-2 predictor should recover -1.6 and 0.8.
        java.util.Random r = new java.util.Random(1);
        double[] x = new double[20_000];
        for (int n = 2; n < x.length; n++) {
            x[n] = 1.6 * x[n - 1] - 0.8 * x[n - 2] + r.nextGaussian();
        }
        double[] a = Whisperer.lpc(x, 2);
        assertEquals(-1.6, a[1], 0.03);
        assertEquals(0.8, a[2], 0.03);
    }
}

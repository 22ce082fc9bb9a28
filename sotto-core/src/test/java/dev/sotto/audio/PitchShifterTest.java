package dev.sotto.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PitchShifterTest {
    static final int RATE = 22050;

    /**
     * A voiced test signal: a glottal-like pulse train (harmonics falling at 12 dB per octave) at {@code f0}
     * with a slow 3% vibrato, through two formant resonances (500 and 1500 Hz), 1.5 s.
     */
    static float[] voiced(double f0) {
        int n = RATE * 3 / 2;
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double f = f0 * (1 + 0.03 * Math.sin(2 * Math.PI * 4 * i / RATE));
            phase += 2 * Math.PI * f / RATE;
            double v = 0;
            for (int h = 1; h * f < 5000; h++) {
                double hz = h * f;
                double formants = 1 / (1 + Math.pow((hz - 500) / 120, 2)) + 0.5 / (1 + Math.pow((hz - 1500) / 150, 2)) + 0.02;
                v += Math.sin(h * phase) / (h * h) * formants;
            }
            x[i] = (float) (0.4 * v);
        }
        return x;
    }

    static float[] shift(float[] x, double semitones, int chunk) {
        PitchShifter s = new PitchShifter(semitones, RATE);
        float[] out = new float[0];
        for (int at = 0; at < x.length; at += chunk) {
            out = ResamplerTest.concat(out, s.process(x, at, Math.min(chunk, x.length - at)));
        }
        return ResamplerTest.concat(out, s.flush());
    }

    @Test
    void fourSemitonesEitherWayLandWithinThreePercentOfTheIntendedRatio() {
        PitchEstimator yin = new PitchEstimator(RATE, 60, 500);
        for (double f0 : new double[] {110, 180}) {
            float[] x = voiced(f0);
            double base = yin.medianPitch(x);
            assertEquals(f0, base, f0 * 0.02, "estimator on the unshifted signal");
            for (double semitones : new double[] {-4, -2, 2, 4}) {
                float[] y = shift(x, semitones, 4096);
                assertEquals(x.length, y.length, "duration is preserved exactly");
                double ratio = yin.medianPitch(y) / base;
                double intended = Math.pow(2, semitones / 12);
                assertTrue(Math.abs(ratio / intended - 1) < 0.03,
                        f0 + " Hz, " + semitones + " st: ratio " + ratio + ", intended " + intended);
                // The level is kept (no fade, no doubling) within 1.5 dB.
                double gain = 20 * Math.log10(ResamplerTest.rms(y, 2000, y.length - 2000) / ResamplerTest.rms(x, 2000, x.length - 2000));
                assertTrue(Math.abs(gain) < 1.5, "level change " + gain + " dB at " + semitones + " st");
            }
        }
    }

    @Test
    void chunkSizeDoesNotChangeTheOutput() {
        float[] x = voiced(140);
        float[] a = shift(x, 3, 1 << 20);
        float[] b = shift(x, 3, 517);
        float[] c = shift(x, 3, 1);
        assertArrayEquals(a, b);
        assertArrayEquals(a, c);
    }

    @Test
    void zeroShiftIsACopyAndEdgesAreHandled() {
        Random rnd = new Random(1);
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        assertArrayEquals(x, shift(x, 0, 100));
        assertEquals(0, shift(new float[0], 4, 10).length);
        assertEquals(7, shift(new float[7], -4, 10).length);
        assertThrows(IllegalArgumentException.class, () -> new PitchShifter(13, RATE));
        assertThrows(IllegalArgumentException.class, () -> new PitchShifter(Double.NaN, RATE));
        assertThrows(IllegalArgumentException.class, () -> new PitchShifter(1, 100));
    }
}

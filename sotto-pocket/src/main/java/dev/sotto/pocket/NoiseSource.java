package dev.sotto.pocket;

import java.util.SplittableRandom;

/**
 * Where the flow head's starting noise comes from: one draw of {@code latentDim} values per transformer forward
 * (the text prompt's included, whose latent is discarded). Seeded Gaussian noise normally; recorded noise replays a
 * reference run exactly.
 */
public interface NoiseSource {

    /** Fills {@code out} with the next draw. */
    void next(float[] out);

    /**
     * Gaussian noise of variance {@code temperature} (all zeros at 0), truncated to +/- {@code clamp} unless it is NaN
     * (values beyond are drawn again), from a seeded generator.
     */
    static NoiseSource gaussian(long seed, double temperature, double clamp) {
        SplittableRandom random = new SplittableRandom(seed);
        double std = Math.sqrt(temperature);
        return out -> {
            for (int i = 0; i < out.length; i++) {
                if (std == 0) {
                    out[i] = 0f;
                    continue;
                }
                double v;
                do {
                    v = random.nextGaussian() * std;
                } while (!Double.isNaN(clamp) && Math.abs(v) > clamp);
                out[i] = (float) v;
            }
        };
    }

    /** The draws of a recorded run, in order ([draws, latentDim] row-major); an error when they run out. */
    static NoiseSource recorded(float[] draws, int latentDim) {
        int[] next = {0};
        return out -> {
            if (out.length != latentDim || (long) (next[0] + 1) * latentDim > draws.length) {
                throw new IllegalStateException("the recorded noise has run out after " + next[0] + " draws");
            }
            System.arraycopy(draws, next[0] * latentDim, out, 0, latentDim);
            next[0]++;
        };
    }
}

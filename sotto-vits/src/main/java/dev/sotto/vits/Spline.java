package dev.sotto.vits;

/**
 * Inverse of the monotonic rational-quadratic spline with linear tails (Durkan et al., "Neural Spline Flows"),
 * as VITS's duration predictor uses it: identity outside [-B, B]; inside, bins from softmax widths and heights
 * (minimum 1e-3 each) and softplus knot slopes (minimum 1e-3, edge slopes 1).
 */
final class Spline {
    static final float MIN_BIN = 1e-3f;
    static final float MIN_DERIVATIVE = 1e-3f;

    private Spline() {
    }

    /** Knot positions from unnormalised sizes: softmax, minimum size, cumulative sum scaled to [-B, B]. */
    private static float[] knots(float[] unnormalised, float bound) {
        int bins = unnormalised.length;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : unnormalised) {
            max = Math.max(max, v);
        }
        float[] p = new float[bins];
        float sum = 0f;
        for (int i = 0; i < bins; i++) {
            p[i] = (float) Math.exp(unnormalised[i] - max);
            sum += p[i];
        }
        float[] knots = new float[bins + 1];
        float cum = 0f;
        for (int i = 0; i < bins; i++) {
            float size = MIN_BIN + (1 - MIN_BIN * bins) * (p[i] / sum);
            cum += size;
            knots[i + 1] = 2 * bound * cum - bound;
        }
        knots[0] = -bound;
        knots[bins] = bound;
        return knots;
    }

    private static float softplus(float v) {
        return v > 20f ? v : (float) Math.log1p(Math.exp(v));
    }

    static float inverse(float y, float[] uw, float[] uh, float[] ud, float bound) {
        if (y < -bound || y > bound) {
            return y;
        }
        int bins = uw.length;
        float[] xk = knots(uw, bound);
        float[] yk = knots(uh, bound);
        // Edge slopes: softplus(c) = 1 - MIN_DERIVATIVE, so that MIN_DERIVATIVE + softplus(c) = 1.
        float[] d = new float[bins + 1];
        d[0] = 1f;
        d[bins] = 1f;
        for (int i = 0; i < bins - 1; i++) {
            d[i + 1] = MIN_DERIVATIVE + softplus(ud[i]);
        }
        // Bin: number of knots <= y, minus one (the last knot nudged up by 1e-6 so y = B falls in the last bin).
        int k = -1;
        for (int i = 0; i <= bins; i++) {
            float knot = i == bins ? yk[i] + 1e-6f : yk[i];
            if (y >= knot) {
                k++;
            }
        }
        k = Math.max(0, Math.min(bins - 1, k));
        float xw = xk[k + 1] - xk[k];
        float yh = yk[k + 1] - yk[k];
        float delta = yh / xw;
        float dk = d[k];
        float dk1 = d[k + 1];
        float u = y - yk[k];
        float s = dk + dk1 - 2 * delta;
        float a = u * s + yh * (delta - dk);
        float b = yh * dk - u * s;
        float c = -delta * u;
        float disc = b * b - 4 * a * c;
        float theta = (2 * c) / (-b - (float) Math.sqrt(disc));
        return theta * xw + xk[k];
    }
}

package dev.sotto.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fundamental frequency with the YIN method (de Cheveigné and Kawahara, 2002): per frame, the cumulative-mean-
 * normalised difference function d'; the period is the first dip below 0.15, or failing that the global
 * minimum (as the paper prescribes), refined by parabolic interpolation. The depth of the chosen dip is the
 * frame's aperiodicity: frames above {@link #VOICING_LIMIT} count as unvoiced. (Signals rich in high
 * frequencies whose period is not a whole number of samples keep a dip of 0.2-0.3 at the nearest lag, hence
 * the looser voicing limit than the period threshold.)
 */
public final class PitchEstimator {
    /** Aperiodicity above which a frame is unvoiced. */
    public static final double VOICING_LIMIT = 0.4;
    private static final double DIP_THRESHOLD = 0.15;

    private final int sampleRate;
    private final int frame;
    private final int minLag;
    private final int maxLag;

    /** Search between {@code minHz} and {@code maxHz}; frames of twice the longest period. */
    public PitchEstimator(int sampleRate, double minHz, double maxHz) {
        if (sampleRate <= 0 || !(minHz > 0 && maxHz > minHz && maxHz < sampleRate / 4.0)) {
            throw new IllegalArgumentException("bad pitch search range " + minHz + ".." + maxHz + " Hz at " + sampleRate + " Hz");
        }
        this.sampleRate = sampleRate;
        this.minLag = Math.max(2, (int) Math.floor(sampleRate / maxHz));
        this.maxLag = (int) Math.ceil(sampleRate / minHz);
        this.frame = 2 * maxLag;
    }

    /** F0 in Hz of each frame, one frame every {@code hop} samples; NaN where unvoiced. */
    public double[] track(float[] x, int hop) {
        if (hop < 1) {
            throw new IllegalArgumentException("hop must be positive");
        }
        List<Double> out = new ArrayList<>();
        double[] d = new double[maxLag + 2];
        for (int start = 0; start + frame + maxLag + 1 <= x.length; start += hop) {
            out.add(framePitch(x, start, d));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Median F0 over the voiced frames, or NaN when fewer than a tenth of the frames are voiced. */
    public double medianPitch(float[] x) {
        double[] track = track(x, Math.max(1, frame / 4));
        double[] voiced = Arrays.stream(track).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (voiced.length == 0 || voiced.length < track.length / 10) {
            return Double.NaN;
        }
        return voiced[voiced.length / 2];
    }

    private double framePitch(float[] x, int start, double[] d) {
        // Difference function d(tau) = sum_j (x_j - x_{j+tau})^2 over the frame, then cumulative-mean normalised.
        double running = 0;
        d[0] = 1;
        for (int tau = 1; tau <= maxLag + 1; tau++) {
            double sum = 0;
            for (int j = start; j < start + frame; j++) {
                double diff = x[j] - x[j + tau];
                sum += diff * diff;
            }
            running += sum;
            d[tau] = running == 0 ? 1 : sum * tau / running;
        }
        int chosen = -1;
        for (int tau = minLag; tau <= maxLag; tau++) {
            if (d[tau] < DIP_THRESHOLD) {
                while (tau + 1 <= maxLag && d[tau + 1] < d[tau]) {
                    tau++;
                }
                chosen = tau;
                break;
            }
        }
        if (chosen < 0) {
            chosen = minLag;
            for (int tau = minLag + 1; tau <= maxLag; tau++) {
                if (d[tau] < d[chosen]) {
                    chosen = tau;
                }
            }
        }
        if (!(d[chosen] < VOICING_LIMIT)) {
            return Double.NaN;
        }
        double a = d[chosen - 1];
        double b = d[chosen];
        double c = d[chosen + 1];
        double denom = a - 2 * b + c;
        double shift = denom == 0 ? 0 : 0.5 * (a - c) / denom;
        return sampleRate / (chosen + Math.max(-1, Math.min(1, shift)));
    }
}

package dev.sotto.audio;


/**
 * Band-limited resampling of a mono signal by any ratio, whole or streamed chunk by chunk (the chunks give exactly
 * the samples of the whole). Output sample k is the input evaluated at position {@code k * step} (step = input
 * samples per output sample) through a Kaiser-windowed sinc low-pass whose cutoff is 0.95 of the lower Nyquist
 * frequency, so downsampling does not alias. Zero delay: output k lines up with input k * step. The kernel is
 * tabulated finely and interpolated linearly. One instance per stream; not thread-safe.
 */
public final class Resampler implements AudioFilter {
    /** Zero crossings of the sinc on each side of the centre (at the filter's cutoff). */
    private static final int ZERO_CROSSINGS = 24;
    /** Kaiser window shape: about 90 dB of stop-band attenuation. */
    private static final double KAISER_BETA = 9.0;
    /** Cutoff as a fraction of the lower Nyquist frequency. */
    private static final double ROLLOFF = 0.95;
    /** Kernel table points per input sample. */
    private static final int TABLE_STEPS = 512;

    private final double step;
    private final double cutoff;      // cycles per input sample
    private final double halfWidth;   // input samples on each side of the centre
    private final float[] kernel;     // kernel(x) at x = i / TABLE_STEPS, x in [0, halfWidth + 1]

    // Streaming state: the input still needed, and the outputs produced so far.
    private final SampleWindow input = new SampleWindow();
    private long produced;
    private boolean flushed;

    /** @param step input samples per output sample (> 0): 2 halves the rate, 0.5 doubles it */
    public Resampler(double step) {
        if (!(step > 0 && step < 64)) {
            throw new IllegalArgumentException("resampling step must be in (0, 64), got " + step);
        }
        this.step = step;
        this.cutoff = 0.5 * ROLLOFF * Math.min(1.0, 1.0 / step);
        this.halfWidth = ZERO_CROSSINGS / (2 * cutoff);
        int points = (int) Math.ceil((halfWidth + 1) * TABLE_STEPS) + 2;
        this.kernel = new float[points];
        double i0Beta = besselI0(KAISER_BETA);
        for (int i = 0; i < points; i++) {
            double x = i / (double) TABLE_STEPS;
            if (x >= halfWidth) {
                continue;
            }
            double r = x / halfWidth;
            double window = besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta;
            double arg = 2 * cutoff * x;
            double sinc = x == 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
            kernel[i] = (float) (2 * cutoff * sinc * window);
        }
    }

    /** A resampler from {@code fromRate} to {@code toRate} Hz. */
    public static Resampler ofRates(int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, got " + fromRate + " and " + toRate);
        }
        return new Resampler(fromRate / (double) toRate);
    }

    /** Audio at {@code fromRate} as audio at {@code toRate}: this resampler, or a pass-through when the rates agree. */
    public static AudioFilter converting(int fromRate, int toRate) {
        return fromRate == toRate ? new FilterChain(java.util.List.of()) : ofRates(fromRate, toRate);
    }

    /** The whole of {@code input} at the new rate: {@code round(input.length / step)} samples. */
    public static float[] resample(float[] input, int fromRate, int toRate) {
        if (fromRate == toRate) {
            return input.clone();
        }
        Resampler r = ofRates(fromRate, toRate);
        float[] a = r.process(input, 0, input.length);
        return Samples.concat(a, r.flush());
    }

    /** Input samples per output sample. */
    public double step() {
        return step;
    }

    /** The output samples that {@code input[from, from + n)} completes (those whose kernel lies in the input so far). */
    @Override
    public float[] process(float[] input, int from, int n) {
        if (flushed) {
            throw new IllegalStateException("the resampler has been flushed");
        }
        this.input.append(input, from, n);
        // Output k is ready when input up to k * step + halfWidth has arrived.
        long ready = (long) Math.floor((this.input.end() - 1 - halfWidth) / step) + 1;
        return produce(Math.max(produced, ready));
    }

    /**
     * The remaining output, treating the input as ended (zeros beyond it): the total is {@code round(inputs / step)}
     * samples. The resampler cannot be used after this.
     */
    @Override
    public float[] flush() {
        if (flushed) {
            throw new IllegalStateException("the resampler has been flushed");
        }
        flushed = true;
        long total = Math.round(input.end() / step);
        return produce(Math.max(produced, total));
    }

    private float[] produce(long until) {
        float[] out = new float[(int) (until - produced)];
        for (int i = 0; i < out.length; i++) {
            out[i] = sampleAt((produced + i) * step);
        }
        produced = until;
        input.dropBefore((long) Math.floor(produced * step - halfWidth) - 1, 1); // no later output reaches it
        return out;
    }

    /** The band-limited input at (absolute) position {@code t}; zero outside the input seen. */
    private float sampleAt(double t) {
        long first = (long) Math.ceil(t - halfWidth);
        long last = (long) Math.floor(t + halfWidth);
        long start = input.start();
        first = Math.max(first, start);
        last = Math.min(last, input.end() - 1);
        float[] buffer = input.array();
        double sum = 0;
        for (long j = first; j <= last; j++) {
            double x = Math.abs(t - j) * TABLE_STEPS;
            int i = (int) x;
            double frac = x - i;
            double k = kernel[i] + (kernel[i + 1] - kernel[i]) * frac;
            sum += k * buffer[(int) (j - start)];
        }
        return (float) sum; // the kernel sums to 1 over the input samples: unit gain
    }

    /** Modified Bessel function of the first kind, order 0 (power series). */
    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return sum;
    }
}

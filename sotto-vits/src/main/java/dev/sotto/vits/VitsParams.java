package dev.sotto.vits;

/**
 * Per-request inputs of a VITS voice.
 *
 * @param noiseScale scale of the prior's noise (variation of the voice), usually 0.667
 * @param lengthScale duration multiplier (larger is slower), usually 1
 * @param noiseW scale of the duration predictor's noise (variation of rhythm), usually 0.8
 * @param speaker speaker id (0 for single-speaker voices)
 * @param seed seed of the noise generator, so that equal requests give equal audio
 * @param lowPower skip every other text-encoder layer and all but the first residual block of each decoder stage:
 *     much less work for a device on battery, at a measured loss of quality (see LowPowerReportTest)
 */
public record VitsParams(float noiseScale, float lengthScale, float noiseW, int speaker, long seed, boolean lowPower) {

    /** Full-quality parameters. */
    public VitsParams(float noiseScale, float lengthScale, float noiseW, int speaker, long seed) {
        this(noiseScale, lengthScale, noiseW, speaker, seed, false);
    }

    /** The same parameters in low-power mode (or not). */
    public VitsParams withLowPower(boolean on) {
        return new VitsParams(noiseScale, lengthScale, noiseW, speaker, seed, on);
    }

    public VitsParams {
        if (!(noiseScale >= 0f && noiseScale <= 10f)) {
            throw new IllegalArgumentException("noise scale must be between 0 and 10, got " + noiseScale);
        }
        if (!(lengthScale > 0f && lengthScale <= 20f)) {
            throw new IllegalArgumentException("length scale must be above 0 and at most 20, got " + lengthScale);
        }
        if (!(noiseW >= 0f && noiseW <= 10f)) {
            throw new IllegalArgumentException("noise w must be between 0 and 10, got " + noiseW);
        }
        if (speaker < 0) {
            throw new IllegalArgumentException("speaker id must not be negative, got " + speaker);
        }
    }

    /** Deterministic output (no noise), as used for golden tests. */
    public static VitsParams deterministic(float lengthScale, int speaker) {
        return new VitsParams(0f, lengthScale, 0f, speaker, 0L);
    }
}

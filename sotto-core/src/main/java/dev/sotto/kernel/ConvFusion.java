package dev.sotto.kernel;

/**
 * Element-wise work folded into a convolution so that it costs no extra pass over memory. On the input, as it is
 * staged: {@code x -> leaky_relu(x / inputDivisor, inputSlope)} (divisor 1 and slope 1 mean none). On the output:
 * with {@code accumulate}, y += conv(x) instead of y = conv(x); a residual array, passed with the call, is added too.
 */
public record ConvFusion(float inputDivisor, float inputSlope, boolean accumulate) {
    /** Plain convolution. */
    public static final ConvFusion NONE = new ConvFusion(1f, 1f, false);

    public ConvFusion {
        if (!Float.isFinite(inputSlope) || !Float.isFinite(inputDivisor) || inputDivisor == 0f) {
            throw new IllegalArgumentException("input divisor must be finite and non-zero, slope finite; got "
                    + inputDivisor + ", " + inputSlope);
        }
    }

    /** conv(leaky_relu(x, slope)). */
    public static ConvFusion leakyInput(float slope) {
        return new ConvFusion(1f, slope, false);
    }

    /** The same with the input divided by {@code divisor} first (e.g. the mean of several branches). */
    public ConvFusion dividingInputBy(float divisor) {
        return new ConvFusion(divisor, inputSlope, accumulate);
    }

    /** The same, adding into the output. */
    public ConvFusion accumulating() {
        return new ConvFusion(inputDivisor, inputSlope, true);
    }

    public boolean transformsInput() {
        return inputSlope != 1f || inputDivisor != 1f;
    }

    /** The input transform applied to one value. */
    float activate(float v) {
        float u = inputDivisor == 1f ? v : v / inputDivisor;
        return u >= 0 ? u : u * inputSlope;
    }
}

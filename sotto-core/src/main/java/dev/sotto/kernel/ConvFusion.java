package dev.sotto.kernel;

/**
 * Element-wise work folded into a convolution so that it costs no extra pass over memory: a leaky ReLU applied
 * to the input as it is staged (slope 1 means none), and accumulation of the result into the output (y += conv(x)
 * instead of y = conv(x)), as residual blocks need.
 */
public record ConvFusion(float inputSlope, boolean accumulate) {
    /** Plain convolution. */
    public static final ConvFusion NONE = new ConvFusion(1f, false);

    public ConvFusion {
        if (!Float.isFinite(inputSlope)) {
            throw new IllegalArgumentException("input slope must be finite, got " + inputSlope);
        }
    }

    /** conv(leaky_relu(x, slope)). */
    public static ConvFusion leakyInput(float slope) {
        return new ConvFusion(slope, false);
    }

    /** The same, adding into the output. */
    public ConvFusion accumulating() {
        return new ConvFusion(inputSlope, true);
    }

    public boolean activatesInput() {
        return inputSlope != 1f;
    }

    /** The input activation applied to one value. */
    float activate(float v) {
        return v >= 0 ? v : v * inputSlope;
    }
}

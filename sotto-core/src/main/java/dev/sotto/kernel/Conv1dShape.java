package dev.sotto.kernel;

/**
 * A 1-D convolution over channel-major activations [channels, time], as in PyTorch's Conv1d. Weights are
 * [outChannels, inChannels / groups, kernelSize], read as a matrix of {@link #weightRows()} x
 * {@link #weightCols()}.
 */
public record Conv1dShape(int inChannels, int outChannels, int kernelSize, int stride, int dilation,
                          int padLeft, int padRight, int groups) {

    public Conv1dShape {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1 || stride < 1 || dilation < 1 || groups < 1) {
            throw new IllegalArgumentException("conv1d sizes must be positive: " + describe(inChannels, outChannels, kernelSize, stride, dilation, groups));
        }
        if (padLeft < 0 || padRight < 0) {
            throw new IllegalArgumentException("conv1d padding must not be negative, got " + padLeft + ", " + padRight);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv1d channels " + inChannels + " -> " + outChannels + " are not divisible by " + groups + " groups");
        }
        if ((long) (kernelSize - 1) * dilation > 1 << 20) {
            throw new IllegalArgumentException("conv1d receptive field too large: kernel " + kernelSize + ", dilation " + dilation);
        }
    }

    /** Stride 1 with symmetric padding that keeps the length ("same" for odd kernels). */
    public static Conv1dShape same(int inChannels, int outChannels, int kernelSize, int dilation) {
        int pad = dilation * (kernelSize - 1) / 2;
        return new Conv1dShape(inChannels, outChannels, kernelSize, 1, dilation, pad, pad, 1);
    }

    /** A 1x1 convolution: a matrix product over channels. */
    public static Conv1dShape pointwise(int inChannels, int outChannels) {
        return new Conv1dShape(inChannels, outChannels, 1, 1, 1, 0, 0, 1);
    }

    private static String describe(int in, int out, int k, int s, int d, int g) {
        return "in " + in + ", out " + out + ", kernel " + k + ", stride " + s + ", dilation " + d + ", groups " + g;
    }

    public int inPerGroup() {
        return inChannels / groups;
    }

    public int outPerGroup() {
        return outChannels / groups;
    }

    public int weightRows() {
        return outChannels;
    }

    public int weightCols() {
        return inPerGroup() * kernelSize;
    }

    /** Output length for an input of {@code inputLength} samples; at least 1 or an exception. */
    public int outputLength(int inputLength) {
        long span = (long) inputLength + padLeft + padRight - (long) dilation * (kernelSize - 1) - 1;
        if (inputLength < 1 || span < 0) {
            throw new IllegalArgumentException("conv1d input of length " + inputLength + " is shorter than the kernel's span "
                    + ((long) dilation * (kernelSize - 1) + 1) + " (with padding " + padLeft + "+" + padRight + ")");
        }
        long out = span / stride + 1;
        if (out > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv1d output too long");
        }
        return (int) out;
    }
}

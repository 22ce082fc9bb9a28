package dev.sotto.kernel;

/**
 * A transposed 1-D convolution (dilation 1) over channel-major activations, as in PyTorch's ConvTranspose1d:
 * each input sample is spread over {@code kernelSize} outputs {@code stride} apart. Weights are
 * [inChannels, outChannels / groups, kernelSize], read as a matrix of {@link #weightRows()} x
 * {@link #weightCols()}.
 */
public record ConvTranspose1dShape(int inChannels, int outChannels, int kernelSize, int stride, int padding,
                                   int outputPadding, int groups) {

    public ConvTranspose1dShape {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1 || stride < 1 || groups < 1) {
            throw new IllegalArgumentException("conv-transpose1d sizes must be positive: in " + inChannels + ", out " + outChannels
                    + ", kernel " + kernelSize + ", stride " + stride + ", groups " + groups);
        }
        if (padding < 0 || outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException("conv-transpose1d needs padding >= 0 and 0 <= output padding < stride, got "
                    + padding + ", " + outputPadding);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv-transpose1d channels " + inChannels + " -> " + outChannels
                    + " are not divisible by " + groups + " groups");
        }
        if (kernelSize > 1 << 16 || stride > 1 << 16) {
            throw new IllegalArgumentException("conv-transpose1d kernel or stride too large");
        }
    }

    public int inPerGroup() {
        return inChannels / groups;
    }

    public int outPerGroup() {
        return outChannels / groups;
    }

    public int weightRows() {
        return inChannels;
    }

    public int weightCols() {
        return outPerGroup() * kernelSize;
    }

    /** {@code (in - 1) * stride - 2 * padding + kernelSize + outputPadding}; at least 1 or an exception. */
    public int outputLength(int inputLength) {
        long out = ((long) inputLength - 1) * stride - 2L * padding + kernelSize + outputPadding;
        if (inputLength < 1 || out < 1 || out > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv-transpose1d input of length " + inputLength + " gives output length " + out);
        }
        return (int) out;
    }
}

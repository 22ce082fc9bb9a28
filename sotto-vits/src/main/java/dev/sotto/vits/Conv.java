package dev.sotto.vits;

import dev.sotto.kernel.Conv1dShape;
import dev.sotto.kernel.ConvFusion;
import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.WeightMatrix;

/** A 1-D convolution layer: weights [out, in/groups, k] as a matrix, optional bias, and its geometry. */
record Conv(Conv1dShape shape, WeightMatrix weights, float[] bias) {

    Conv {
        if (weights.rows() != shape.weightRows() || weights.cols() != shape.weightCols()) {
            throw new IllegalArgumentException("conv weights [" + weights.rows() + ", " + weights.cols() + "] do not fit " + shape);
        }
        if (bias != null && bias.length != shape.outChannels()) {
            throw new IllegalArgumentException("conv bias of " + bias.length + " for " + shape.outChannels() + " outputs");
        }
    }

    int outChannels() {
        return shape.outChannels();
    }

    /** y [out, T'] = conv(x [in, length]). */
    float[] apply(Kernels k, float[] x, int length) {
        float[] y = new float[shape.outChannels() * shape.outputLength(length)];
        k.conv1d(shape, weights, bias, x, length, y);
        return y;
    }

    /** Into an existing y [out, T'], with fused input transform and/or accumulation, plus a residual (nullable). */
    void applyInto(Kernels k, float[] x, int length, float[] y, ConvFusion fusion, float[] residual) {
        k.conv1d(shape, weights, bias, x, length, y, fusion, residual);
    }

    /** conv with a fused input transform, into a new array. */
    float[] apply(Kernels k, float[] x, int length, ConvFusion fusion) {
        float[] y = new float[shape.outChannels() * shape.outputLength(length)];
        k.conv1d(shape, weights, bias, x, length, y, fusion, null);
        return y;
    }

    /** The layer applied to a single frame (a constant over time, e.g. a speaker embedding): y [out]. */
    float[] applyToVector(Kernels k, float[] x) {
        float[] y = new float[shape.outChannels()];
        k.matVec(weights, bias, x, y);
        return y;
    }
}

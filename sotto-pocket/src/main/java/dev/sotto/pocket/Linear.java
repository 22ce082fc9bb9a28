package dev.sotto.pocket;

import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.WeightMatrix;

/**
 * A linear layer y = W x + b over rows: weights [out, in] in any type, optional bias [out]. Activations are
 * row-major [rows, features] (one row per position), as in PyTorch's transformers.
 */
record Linear(WeightMatrix weights, float[] bias) {

    Linear {
        if (bias != null && bias.length != weights.rows()) {
            throw new IllegalArgumentException("bias of " + bias.length + " for " + weights.rows() + " outputs");
        }
    }

    int in() {
        return weights.cols();
    }

    int out() {
        return weights.rows();
    }

    /** Rows up to which a batch of matrix-vector products beats the matrix kernel's tiles (measured on the prompt). */
    static final int BATCH_ROWS = 64;

    /**
     * y [rows, out] for x [rows, in]: matrix-vector products (each weight row widened once for all rows) for a few rows,
     * the matrix kernel on the transposed activations for many.
     */
    float[] apply(Kernels k, float[] x, int rows) {
        int in = in();
        int out = out();
        float[] y = new float[rows * out];
        if (rows == 1) {
            k.matVec(weights, bias, x, y);
            return y;
        }
        if (rows <= BATCH_ROWS) {
            k.matVecBatch(weights, bias, x, rows, y);
            return y;
        }
        // Channel-major for the matrix kernel: x^T [in, rows] -> y^T [out, rows].
        float[] xt = transpose(x, rows, in);
        float[] yt = new float[out * rows];
        k.matMul(weights, bias, xt, rows, yt);
        transposeInto(yt, out, rows, y);
        return y;
    }

    /** One vector: y [out] = W x + b. */
    float[] apply(Kernels k, float[] x) {
        float[] y = new float[out()];
        k.matVec(weights, bias, x, y);
        return y;
    }

    /** [rows, cols] -> [cols, rows]. */
    static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[rows * cols];
        transposeInto(x, rows, cols, t);
        return t;
    }

    static void transposeInto(float[] x, int rows, int cols, float[] t) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[r * cols + c];
            }
        }
    }
}

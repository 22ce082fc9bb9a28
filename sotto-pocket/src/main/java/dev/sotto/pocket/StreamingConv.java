package dev.sotto.pocket;

import dev.sotto.kernel.Conv1dShape;
import dev.sotto.kernel.ConvTranspose1dShape;
import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.WeightMatrix;

/**
 * Mimi's causal convolutions, streamed: each keeps the input it still needs between calls, so that any chunking of
 * the input gives exactly the output of the whole. Activations are channel-major [channels, time]. Immutable; the
 * carried input lives in a {@link State} per stream.
 */
final class StreamingConv {
    private StreamingConv() {
    }

    /** A buffer carried from one call to the next, owned by one stream. */
    static final class State {
        float[] carry;    // [channels, width]
        boolean started;

        State(int size) {
            this.carry = new float[size];
        }
    }

    /**
     * A 1-D convolution without padding that keeps the last {@code (k - 1) * dilation + 1 - stride} input samples
     * (zeros before the start, or the first sample repeated with {@code replicate}), so its output is causal.
     * Weights [out, in * k] as a matrix.
     */
    record Conv(int in, int out, int kernel, int stride, int dilation, WeightMatrix weights, float[] bias, boolean replicate) {
        int keep() {
            return (kernel - 1) * dilation + 1 - stride;
        }

        State newState() {
            return new State(in * Math.max(0, keep()));
        }

        /** y [out, length / stride] for x [in, length] (length a multiple of the stride). */
        float[] apply(Kernels k, float[] x, int length, State state) {
            if (length % stride != 0) {
                throw new IllegalArgumentException("a streamed convolution needs a multiple of its stride " + stride + ", got " + length);
            }
            int keep = keep();
            int total = keep + length;
            float[] joined;
            if (keep > 0) {
                if (replicate && !state.started) {
                    for (int c = 0; c < in; c++) {
                        java.util.Arrays.fill(state.carry, c * keep, (c + 1) * keep, x[c * length]);
                    }
                }
                joined = new float[in * total];
                for (int c = 0; c < in; c++) {
                    System.arraycopy(state.carry, c * keep, joined, c * total, keep);
                    System.arraycopy(x, c * length, joined, c * total + keep, length);
                }
                for (int c = 0; c < in; c++) {
                    System.arraycopy(joined, c * total + total - keep, state.carry, c * keep, keep);
                }
            } else {
                joined = x;
            }
            state.started = true;
            Conv1dShape shape = new Conv1dShape(in, out, kernel, stride, dilation, 0, 0, 1);
            float[] y = new float[out * shape.outputLength(total)];
            k.conv1d(shape, weights, bias, joined, total, y);
            return y;
        }
    }

    /**
     * A transposed convolution streamed: {@code y = convtr(x)} has {@code length * stride + k - stride} samples; the
     * carried tail of the previous call is added to its first {@code k - stride}, the last {@code k - stride} (less
     * the bias, so that it is not counted twice) are carried to the next call, and the first {@code length * stride}
     * are returned. Weights [in, out / groups * k] as a matrix.
     */
    record Transposed(int in, int out, int kernel, int stride, int groups, WeightMatrix weights, float[] bias) {
        int tail() {
            return kernel - stride;
        }

        State newState() {
            return new State(out * Math.max(0, tail()));
        }

        float[] apply(Kernels k, float[] x, int length, State state) {
            ConvTranspose1dShape shape = new ConvTranspose1dShape(in, out, kernel, stride, 0, 0, groups);
            int full = shape.outputLength(length);
            float[] y = new float[out * full];
            k.convTranspose1d(shape, weights, bias, x, length, y);
            int tail = tail();
            int emit = length * stride;
            float[] result = new float[out * emit];
            for (int c = 0; c < out; c++) {
                int row = c * full;
                for (int i = 0; i < tail; i++) {
                    y[row + i] += state.carry[c * tail + i];
                }
                float b = bias == null ? 0f : bias[c];
                for (int i = 0; i < tail; i++) {
                    state.carry[c * tail + i] = y[row + emit + i] - b;
                }
                System.arraycopy(y, row, result, c * emit, emit);
            }
            return result;
        }
    }
}

package dev.sotto.pocket;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufTensorInfo;
import dev.sotto.tensor.WeightMatrix;
import java.util.Arrays;

/**
 * How Pocket TTS weights sit in a GGUF file, and their lookup with shape checks. Names are upstream's
 * ({@code TTSModel.state_dict()}); a convolution's [out, in / groups, k] (or a transposed one's [in, out / groups, k])
 * is stored as the matrix the kernels read, [out, in / groups * k]; {@code flow_lm.bos_before_voice} [1, 1, d] as
 * [d]; every other tensor keeps its shape.
 */
final class PocketWeights {
    private final GgufFile file;

    PocketWeights(GgufFile file) {
        this.file = file;
    }

    /** The length of a one-dimensional tensor. */
    long vectorLength(String name) throws GgufFormatException {
        GgufTensorInfo t = file.tensor(name).orElseThrow(() -> new GgufFormatException("tensor '" + name + "' is missing"));
        if (t.rank() != 1) {
            throw new GgufFormatException("tensor '" + name + "' must be a vector, has shape " + t.shapeString());
        }
        return t.dim(0);
    }

    boolean has(String name) {
        return file.tensor(name).isPresent();
    }

    private GgufTensorInfo require(String name, long... shape) throws GgufFormatException {
        GgufTensorInfo t = file.tensor(name).orElseThrow(() -> new GgufFormatException("tensor '" + name + "' is missing"));
        long[] expected = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            expected[i] = shape[shape.length - 1 - i];
        }
        if (!Arrays.equals(t.dims(), expected)) {
            throw new GgufFormatException("tensor '" + name + "' has shape " + t.shapeString() + ", expected " + Arrays.toString(shape)
                    + " (stored order; the configuration and the weights disagree)");
        }
        if (!t.type().hasKernels()) {
            throw new GgufFormatException("tensor '" + name + "' has unsupported type " + t.type());
        }
        return t;
    }

    float[] vector(String name, int n) throws GgufFormatException {
        require(name, n);
        float[] v = file.floats(name);
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new GgufFormatException("tensor '" + name + "' holds non-finite values");
            }
        }
        return v;
    }

    WeightMatrix matrix(String name, int rows, int cols) throws GgufFormatException {
        require(name, rows, cols);
        return file.matrix(name, cols);
    }

    /** A linear layer {@code prefix.weight} [out, in] with {@code prefix.bias} [out] when it has one. */
    Linear linear(String prefix, int out, int in, boolean bias) throws GgufFormatException {
        return new Linear(matrix(prefix + ".weight", out, in), bias ? vector(prefix + ".bias", out) : null);
    }

    /** A bias-free linear layer stored under {@code name}. */
    Linear linear(String name, int out, int in) throws GgufFormatException {
        return new Linear(matrix(name, out, in), null);
    }
}

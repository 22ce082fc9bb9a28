package dev.sotto.pocket;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufTensorInfo;
import dev.sotto.tensor.WeightMatrix;
import java.util.Arrays;
import java.util.Map;

/**
 * A Pocket TTS model's weights in a GGUF file, looked up by upstream's names and checked against the shapes its
 * configuration gives ({@link PocketLayout}): a convolution's [out, in / groups, k] (or a transposed one's
 * [in, out / groups, k]) is stored as the matrix the kernels read, [out, in / groups * k]; {@code bos_before_voice}
 * [1, 1, d] as [d]; every other tensor keeps its shape.
 */
final class PocketWeights {
    private final GgufFile file;
    private final Map<String, long[]> layout;

    PocketWeights(GgufFile file, Map<String, long[]> layout) {
        this.file = file;
        this.layout = layout;
    }

    /** The stored shape of {@code name}, checked against the file. */
    private long[] require(String name) throws GgufFormatException {
        long[] shape = layout.get(name);
        if (shape == null) {
            throw new IllegalStateException("no tensor '" + name + "' in the layout");
        }
        long[] stored = PocketLayout.stored(name, shape);
        GgufTensorInfo t = file.tensor(name).orElseThrow(() -> new GgufFormatException("tensor '" + name + "' is missing"));
        long[] expected = new long[stored.length];
        for (int i = 0; i < stored.length; i++) {
            expected[i] = stored[stored.length - 1 - i];
        }
        if (!Arrays.equals(t.dims(), expected)) {
            throw new GgufFormatException("tensor '" + name + "' has shape " + t.shapeString() + ", the configuration gives "
                    + Arrays.toString(stored) + " (stored as [outermost, ...]; the configuration and the weights disagree)");
        }
        if (!t.type().hasKernels()) {
            throw new GgufFormatException("tensor '" + name + "' has unsupported type " + t.type());
        }
        return stored;
    }

    boolean has(String name) {
        return layout.containsKey(name);
    }

    float[] vector(String name) throws GgufFormatException {
        require(name);
        float[] v = file.floats(name);
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new GgufFormatException("tensor '" + name + "' holds non-finite values");
            }
        }
        return v;
    }

    WeightMatrix matrix(String name) throws GgufFormatException {
        long[] s = require(name);
        if (s.length != 2) {
            throw new IllegalStateException("tensor '" + name + "' is not a matrix in the layout");
        }
        return file.matrix(name, Math.toIntExact(s[1]));
    }

    /** A linear layer {@code prefix.weight} with {@code prefix.bias} when the layout has one. */
    Linear linear(String prefix) throws GgufFormatException {
        return new Linear(matrix(prefix + ".weight"), has(prefix + ".bias") ? vector(prefix + ".bias") : null);
    }

    /** A bias-free linear layer stored under {@code name}. */
    Linear weightOnly(String name) throws GgufFormatException {
        return new Linear(matrix(name), null);
    }
}

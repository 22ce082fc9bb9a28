package dev.sotto.vits;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufTensorInfo;
import dev.sotto.kernel.Conv1dShape;
import dev.sotto.kernel.ConvTranspose1dShape;
import dev.sotto.tensor.WeightMatrix;
import java.util.Arrays;

/** Looks up a voice's tensors by name and checks each shape against what the architecture expects. */
final class WeightSource {
    private final GgufFile file;

    WeightSource(GgufFile file) {
        this.file = file;
    }

    private GgufTensorInfo require(String name, long... pytorchShape) throws GgufFormatException {
        GgufTensorInfo t = file.tensor(name).orElseThrow(() -> new GgufFormatException("tensor '" + name + "' is missing"));
        long[] expected = new long[pytorchShape.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = pytorchShape[pytorchShape.length - 1 - i];
        }
        if (!Arrays.equals(t.dims(), expected)) {
            throw new GgufFormatException("tensor '" + name + "' has shape " + t.shapeString() + ", expected " + Arrays.toString(pytorchShape));
        }
        if (!t.type().hasKernels()) {
            throw new GgufFormatException("tensor '" + name + "' has unsupported type " + t.type());
        }
        return t;
    }

    boolean has(String name) {
        return file.tensor(name).isPresent();
    }

    float[] floats(String name, long... shape) throws GgufFormatException {
        require(name, shape);
        return file.floats(name);
    }

    WeightMatrix matrix(String name, int rows, int cols) throws GgufFormatException {
        require(name, rows, cols);
        return file.matrix(name, cols);
    }

    /**
     * Conv weights {@code prefix.weight}, stored as the matrix the kernels read, [out, in/groups * k] (so that
     * quantization blocks run along whole rows), and optional {@code prefix.bias} [out].
     */
    Conv conv(String prefix, Conv1dShape shape) throws GgufFormatException {
        String w = prefix + ".weight";
        require(w, shape.weightRows(), shape.weightCols());
        String b = prefix + ".bias";
        float[] bias = has(b) ? floats(b, shape.outChannels()) : null;
        return new Conv(shape, file.matrix(w, shape.weightCols()), bias);
    }

    /** Transposed-conv weights, stored as [in, out/groups * k], and bias [out]. */
    TransposedConv transposedConv(String prefix, ConvTranspose1dShape shape) throws GgufFormatException {
        String w = prefix + ".weight";
        require(w, shape.weightRows(), shape.weightCols());
        String b = prefix + ".bias";
        float[] bias = has(b) ? floats(b, shape.outChannels()) : null;
        return new TransposedConv(shape, file.matrix(w, shape.weightCols()), bias);
    }

    LayerNorm layerNorm(String prefix, int channels) throws GgufFormatException {
        return new LayerNorm(floats(prefix + ".gamma", channels), floats(prefix + ".beta", channels));
    }

    record LayerNorm(float[] gamma, float[] beta) {
        void apply(float[] x, int length) {
            Ops.layerNorm(x, gamma.length, length, gamma, beta);
        }
    }

    record TransposedConv(ConvTranspose1dShape shape, WeightMatrix weights, float[] bias) {
        float[] apply(dev.sotto.kernel.Kernels k, float[] x, int length, dev.sotto.kernel.ConvFusion fusion) {
            float[] y = new float[shape.outChannels() * shape.outputLength(length)];
            k.convTranspose1d(shape, weights, bias, x, length, y, fusion);
            return y;
        }
    }
}

package dev.sotto.gguf;

import dev.sotto.tensor.GgmlType;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor's entry in a GGUF file. {@code dims} are in ggml order: {@code dims[0]} is the innermost
 * (contiguous) dimension, so a PyTorch weight [out, in, k] is stored with dims {k, in, out}.
 *
 * @param offset data offset relative to the start of the tensor data region
 * @param byteSize bytes of tensor data
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset, long byteSize) {

    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int i) {
        return dims[i];
    }

    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Shape in PyTorch order (outermost first), e.g. {@code [192, 96, 5]}. */
    public String shapeString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = dims.length - 1; i >= 0; i--) {
            sb.append(dims[i]).append(i > 0 ? ", " : "");
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && t.name.equals(name) && Arrays.equals(t.dims, dims)
                && t.type == type && t.offset == offset && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(dims), type, offset, byteSize);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + shapeString();
    }
}

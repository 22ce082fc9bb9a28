package dev.sotto.onnx;

import dev.sotto.onnx.proto.OnnxProtos;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A constant tensor of an ONNX graph (an initializer or a Constant node's value), decoded to Java arrays. */
public final class OnnxTensor {
    private final String name;
    private final long[] dims;
    private final int dataType;
    private final OnnxProtos.Tensor proto;

    OnnxTensor(String name, OnnxProtos.Tensor proto) throws OnnxFormatException {
        this.name = name;
        this.proto = proto;
        this.dims = proto.getDimsList().stream().mapToLong(Long::longValue).toArray();
        this.dataType = proto.getDataType();
        if (proto.getDataLocation() == OnnxProtos.Tensor.DataLocation.EXTERNAL) {
            throw new OnnxFormatException("tensor '" + name + "' keeps its data in an external file, which is not supported");
        }
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new OnnxFormatException("tensor '" + name + "' has a negative dimension " + d);
            }
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new OnnxFormatException("tensor '" + name + "' is too large (" + n + " elements)");
        }
    }

    public String name() {
        return name;
    }

    /** Shape, outermost first (PyTorch order). */
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int i) {
        return dims[i];
    }

    public int elementCount() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return (int) n;
    }

    public String shapeString() {
        return Arrays.toString(dims);
    }

    /** Values of a FLOAT, FLOAT16 or DOUBLE tensor as floats. */
    public float[] floats() throws OnnxFormatException {
        int n = elementCount();
        ByteBuffer raw = proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        switch (dataType) {
            case OnnxProtos.Tensor.DataType.FLOAT_VALUE -> {
                if (proto.getRawData().isEmpty()) {
                    requireCount(proto.getFloatDataCount(), n);
                    for (int i = 0; i < n; i++) {
                        out[i] = proto.getFloatData(i);
                    }
                } else {
                    requireCount(raw.remaining() / 4, n, raw.remaining() % 4);
                    raw.asFloatBuffer().get(out);
                }
            }
            case OnnxProtos.Tensor.DataType.FLOAT16_VALUE -> {
                if (proto.getRawData().isEmpty()) {
                    requireCount(proto.getInt32DataCount(), n);
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.float16ToFloat((short) proto.getInt32Data(i));
                    }
                } else {
                    requireCount(raw.remaining() / 2, n, raw.remaining() % 2);
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.float16ToFloat(raw.getShort(2 * i));
                    }
                }
            }
            case OnnxProtos.Tensor.DataType.DOUBLE_VALUE -> {
                if (proto.getRawData().isEmpty()) {
                    requireCount(proto.getDoubleDataCount(), n);
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) proto.getDoubleData(i);
                    }
                } else {
                    requireCount(raw.remaining() / 8, n, raw.remaining() % 8);
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) raw.getDouble(8 * i);
                    }
                }
            }
            default -> throw new OnnxFormatException("tensor '" + name + "' has data type " + dataType + ", expected a float type");
        }
        return out;
    }

    /** Values of an integer tensor (INT64, INT32, ...) as longs. */
    public long[] longs() throws OnnxFormatException {
        int n = elementCount();
        ByteBuffer raw = proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[n];
        boolean hasRaw = !proto.getRawData().isEmpty();
        switch (dataType) {
            case OnnxProtos.Tensor.DataType.INT64_VALUE -> {
                if (hasRaw) {
                    requireCount(raw.remaining() / 8, n, raw.remaining() % 8);
                    raw.asLongBuffer().get(out);
                } else {
                    requireCount(proto.getInt64DataCount(), n);
                    for (int i = 0; i < n; i++) {
                        out[i] = proto.getInt64Data(i);
                    }
                }
            }
            case OnnxProtos.Tensor.DataType.INT32_VALUE -> {
                if (hasRaw) {
                    requireCount(raw.remaining() / 4, n, raw.remaining() % 4);
                    for (int i = 0; i < n; i++) {
                        out[i] = raw.getInt(4 * i);
                    }
                } else {
                    requireCount(proto.getInt32DataCount(), n);
                    for (int i = 0; i < n; i++) {
                        out[i] = proto.getInt32Data(i);
                    }
                }
            }
            default -> throw new OnnxFormatException("tensor '" + name + "' has data type " + dataType + ", expected an integer type");
        }
        return out;
    }

    private void requireCount(int have, int want) throws OnnxFormatException {
        requireCount(have, want, 0);
    }

    private void requireCount(int have, int want, int leftover) throws OnnxFormatException {
        if (have != want || leftover != 0) {
            throw new OnnxFormatException("tensor '" + name + "' " + shapeString() + " holds " + have + " values, expected " + want);
        }
    }

    @Override
    public String toString() {
        return name + " " + shapeString();
    }
}

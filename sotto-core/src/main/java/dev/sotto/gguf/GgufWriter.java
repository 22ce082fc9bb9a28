package dev.sotto.gguf;

import dev.sotto.tensor.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import dev.sotto.io.AtomicFiles;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a GGUF version 3 file: metadata in insertion order, tensor infos, then each tensor's data padded to the
 * alignment. {@link #write(Path)} is atomic: the file appears complete under its name or not at all.
 */
public final class GgufWriter {
    /** ggml's key for the version of its quantized block layouts; ours (Q8_0, Q4_0) are version 2. */
    static final String QUANTIZATION_VERSION = "general.quantization_version";

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private int alignment = GgufParser.DEFAULT_ALIGNMENT;

    private record PendingTensor(String name, long[] dims, GgmlType type, MemorySegment data) {
    }

    /** Sets the data alignment (a power of two); a non-default value is recorded as {@code general.alignment}. */
    public GgufWriter alignment(int bytes) {
        if (bytes < 1 || bytes > 1 << 20 || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two up to 1 MiB, got " + bytes);
        }
        this.alignment = bytes;
        if (bytes == GgufParser.DEFAULT_ALIGNMENT) {
            metadata.remove(GgufParser.ALIGNMENT_KEY);
        } else {
            metadata.put(GgufParser.ALIGNMENT_KEY, GgufValue.ofUInt32(bytes));
        }
        return this;
    }

    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("metadata key must not be empty");
        }
        if (key.equals(GgufParser.ALIGNMENT_KEY)) {
            if (value.type() != GgufValueType.UINT32) {
                throw new IllegalArgumentException(GgufParser.ALIGNMENT_KEY + " must be a UINT32");
            }
            return alignment((int) value.asLong());
        }
        metadata.put(key, value);
        return this;
    }

    public GgufWriter put(String key, String value) {
        return put(key, GgufValue.ofString(value));
    }

    public GgufWriter put(String key, int value) {
        return put(key, GgufValue.ofInt32(value));
    }

    public GgufWriter put(String key, float value) {
        return put(key, GgufValue.ofFloat32(value));
    }

    public GgufWriter put(String key, double value) {
        return put(key, GgufValue.ofFloat64(value));
    }

    public GgufWriter put(String key, boolean value) {
        return put(key, GgufValue.ofBool(value));
    }

    /**
     * Adds a tensor. {@code dims} are in ggml order (innermost first); {@code data} must hold exactly the
     * encoded bytes and is read when the file is written.
     */
    public GgufWriter addTensor(String name, long[] dims, GgmlType type, MemorySegment data) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || tensors.stream().anyMatch(t -> t.name.equals(name))) {
            throw new IllegalArgumentException("tensor name must be non-empty and unique: '" + name + "'");
        }
        if (dims.length < 1 || dims.length > GgufParser.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' needs 1 to " + GgufParser.MAX_DIMS + " dimensions");
        }
        long n = 1;
        for (long d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor '" + name + "' has a dimension of " + d);
            }
            n = Math.multiplyExact(n, d);
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' innermost dimension " + dims[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        long bytes = type.bytesFor(n);
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("tensor '" + name + "' needs " + bytes + " bytes of " + type + ", got " + data.byteSize());
        }
        tensors.add(new PendingTensor(name, dims.clone(), type, data));
        if (type.blockSize() > 1 && !metadata.containsKey(QUANTIZATION_VERSION)) {
            metadata.put(QUANTIZATION_VERSION, GgufValue.ofUInt32(2)); // ggml's tools expect it on quantized files
        }
        return this;
    }

    /** Writes the file atomically (temporary file in the same directory, then an atomic rename). */
    public void write(Path path) throws IOException {
        AtomicFiles.write(path, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeTo(ch);
                ch.force(true);
            }
        });
    }

    /** The whole file as bytes (for small files and tests). */
    public byte[] toBytes() {
        Out out = new Out();
        out.bytes(header());
        for (PendingTensor t : tensors) {
            out.pad(alignment);
            out.bytes(t.data.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        return out.toByteArray();
    }

    private void writeTo(FileChannel ch) throws IOException {
        byte[] head = header();
        writeFully(ch, ByteBuffer.wrap(head));
        long position = head.length;
        for (PendingTensor t : tensors) {
            long padded = GgufParser.alignUp(position, alignment);
            writeFully(ch, ByteBuffer.allocate((int) (padded - position)));
            long size = t.data.byteSize();
            for (long off = 0; off < size; off += 1 << 26) {
                writeFully(ch, t.data.asSlice(off, Math.min(1 << 26, size - off)).asByteBuffer());
            }
            position = padded + size;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Header, metadata and tensor infos, padded to the alignment when tensors follow. */
    private byte[] header() {
        Out out = new Out();
        out.u32(GgufParser.MAGIC);
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().id());
            writeValue(out, e.getValue().type(), e.getValue().value());
        }
        long offset = 0;
        for (PendingTensor t : tensors) {
            out.string(t.name);
            out.u32(t.dims.length);
            for (long d : t.dims) {
                out.u64(d);
            }
            out.u32(t.type.id());
            offset = GgufParser.alignUp(offset, alignment);
            out.u64(offset);
            offset += t.data.byteSize();
        }
        if (!tensors.isEmpty()) {
            out.pad(alignment);
        }
        return out.toByteArray();
    }

    private static void writeValue(Out out, GgufValueType type, Object v) {
        switch (type) {
            case UINT8, INT8 -> out.u8((Byte) v);
            case UINT16, INT16 -> out.u16((Short) v);
            case UINT32, INT32 -> out.u32((Integer) v);
            case UINT64, INT64 -> out.u64((Long) v);
            case FLOAT32 -> out.u32(Float.floatToRawIntBits((Float) v));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits((Double) v));
            case BOOL -> out.u8((Boolean) v ? 1 : 0);
            case STRING -> out.string((String) v);
            case ARRAY -> writeArray(out, (GgufArray) v);
        }
    }

    private static void writeArray(Out out, GgufArray a) {
        out.u32(a.elementType().id());
        int n = a.length();
        out.u64(n);
        Object values = a.values();
        for (int i = 0; i < n; i++) {
            Object element = switch (a.elementType()) {
                case UINT8, INT8 -> ((byte[]) values)[i];
                case UINT16, INT16 -> ((short[]) values)[i];
                case UINT32, INT32 -> ((int[]) values)[i];
                case UINT64, INT64 -> ((long[]) values)[i];
                case FLOAT32 -> ((float[]) values)[i];
                case FLOAT64 -> ((double[]) values)[i];
                case BOOL -> ((boolean[]) values)[i];
                case STRING -> ((String[]) values)[i];
                case ARRAY -> ((GgufArray[]) values)[i];
            };
            writeValue(out, a.elementType(), element);
        }
    }

    /** Little-endian byte sink. */
    private static final class Out extends ByteArrayOutputStream {
        void u8(int v) {
            write(v);
        }

        void u16(int v) {
            write(v);
            write(v >>> 8);
        }

        void u32(int v) {
            byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
            write(b, 0, 4);
        }

        void u64(long v) {
            byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
            write(b, 0, 8);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            write(b, 0, b.length);
        }

        void bytes(byte[] b) {
            write(b, 0, b.length);
        }

        void pad(int alignment) {
            while (count % alignment != 0) {
                write(0);
            }
        }
    }
}

package dev.sotto.gguf;

import dev.sotto.tensor.GgmlType;
import dev.sotto.tensor.WeightMatrix;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * An open GGUF file: validated metadata and tensor infos, with tensor data memory-mapped once and handed out
 * as read-only {@link MemorySegment} slices (never copied). Closing releases the mapping; slices must not be
 * used afterwards. Thread-safe for reading.
 */
public final class GgufFile implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment file;
    private final GgufParser.Header header;
    private final Map<String, GgufTensorInfo> tensorsByName;
    private boolean closed;

    private GgufFile(Arena arena, MemorySegment file, GgufParser.Header header) {
        this.arena = arena;
        this.file = file;
        this.header = header;
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (GgufTensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
        this.tensorsByName = byName;
    }

    /** Maps and validates {@code path}. Any malformed content ends in {@link GgufFormatException}. */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena).asReadOnly();
            GgufParser.Header header;
            try {
                header = GgufParser.parse(mapped);
            } catch (GgufFormatException e) {
                throw new GgufFormatException(path.getFileName() + ": " + e.getMessage());
            }
            return new GgufFile(arena, mapped, header);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Parses GGUF bytes already in memory; the caller keeps ownership of {@code bytes}. */
    public static GgufFile parse(MemorySegment bytes) throws GgufFormatException {
        MemorySegment ro = bytes.asReadOnly();
        return new GgufFile(null, ro, GgufParser.parse(ro));
    }

    public int version() {
        return header.version();
    }

    public int alignment() {
        return header.alignment();
    }

    /** Absolute file offset where tensor data starts. */
    public long dataOffset() {
        return header.dataOffset();
    }

    /** All metadata in file order. */
    public Map<String, GgufValue> metadata() {
        return header.metadata();
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(header.metadata().get(key));
    }

    /** A required string value, or a format error naming the key. */
    public String requireString(String key) throws GgufFormatException {
        GgufValue v = require(key);
        if (v.type() != GgufValueType.STRING) {
            throw new GgufFormatException("metadata '" + key + "' must be a STRING, found " + v.type());
        }
        return v.asString();
    }

    /** A required integer value within [min, max], or a format error naming the key. */
    public long requireInteger(String key, long min, long max) throws GgufFormatException {
        GgufValue v = require(key);
        long value;
        try {
            value = v.asLong();
        } catch (IllegalStateException | ArithmeticException e) {
            throw new GgufFormatException("metadata '" + key + "' must be an integer, found " + v.type());
        }
        if (value < min || value > max) {
            throw new GgufFormatException("metadata '" + key + "' = " + value + " is outside [" + min + ", " + max + "]");
        }
        return value;
    }

    private GgufValue require(String key) throws GgufFormatException {
        GgufValue v = header.metadata().get(key);
        if (v == null) {
            throw new GgufFormatException("metadata '" + key + "' is missing");
        }
        return v;
    }

    public List<GgufTensorInfo> tensors() {
        return header.tensors();
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    private GgufTensorInfo requireTensor(String name) {
        GgufTensorInfo t = tensorsByName.get(name);
        if (t == null) {
            throw new NoSuchElementException("no tensor '" + name + "' in the file");
        }
        return t;
    }

    /** The bytes before the tensor data (header, metadata, tensor infos): a read-only slice of the mapping. */
    public MemorySegment headerBytes() {
        return file.asSlice(0, Math.min(header.dataOffset(), file.byteSize()));
    }

    /** The tensor's bytes: a read-only slice of the mapping. */
    public MemorySegment data(GgufTensorInfo t) {
        return file.asSlice(header.dataOffset() + t.offset(), t.byteSize());
    }

    public MemorySegment data(String name) {
        return data(requireTensor(name));
    }

    /**
     * The tensor as a matrix of {@code cols} columns (a multiple of the type's block size dividing the element
     * count) and as many rows as that gives: for a PyTorch conv weight [out, in, k], {@code cols = in * k}.
     */
    public WeightMatrix matrix(String name, int cols) {
        GgufTensorInfo t = requireTensor(name);
        long n = t.elementCount();
        if (cols < 1 || n % cols != 0 || n / cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + name + "' " + t.shapeString() + " cannot be viewed with " + cols + " columns");
        }
        return new WeightMatrix(t.type(), (int) (n / cols), cols, data(t));
    }

    /** The tensor as a matrix whose rows are its innermost dimension. */
    public WeightMatrix matrix(String name) {
        GgufTensorInfo t = requireTensor(name);
        return matrix(name, Math.toIntExact(t.dim(0)));
    }

    /** All elements of the tensor as floats (dequantized), for small tensors such as biases and norms. */
    public float[] floats(String name) {
        GgufTensorInfo t = requireTensor(name);
        GgmlType type = t.type();
        long n = t.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor '" + name + "' is too large to copy");
        }
        float[] out = new float[(int) n];
        type.format().dequantizeScalar(data(t), 0, out, 0, (int) n);
        return out;
    }

    /** Releases the mapping; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (arena != null && !closed) {
            closed = true;
            arena.close();
        }
    }
}

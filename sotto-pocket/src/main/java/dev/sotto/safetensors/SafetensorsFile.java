package dev.sotto.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A safetensors file (Hugging Face's format: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw data), memory-mapped once and validated before anything is read: the
 * header is read with Jackson within limits (size, nesting, string length), every dtype must be known, every shape's
 * size must equal its byte range, and every range must lie inside the data and overlap no other. Closing releases the
 * mapping. Thread-safe for reading.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Largest header accepted (the format's own limit is 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * A tensor: its dtype, shape (outermost first, as in PyTorch) and byte range within the data section.
     */
    public record Tensor(String name, DType dtype, long[] shape, long begin, long end) {
        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    private final String source;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(String source, Arena arena, MemorySegment data, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.source = source;
        this.arena = arena;
        this.data = data;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Maps and validates {@code path}. Malformed content ends in {@link SafetensorsFormatException}. */
    public static SafetensorsFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = ch.size() == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena).asReadOnly();
            return parse(path.getFileName().toString(), arena, ch.size() == 0 ? MemorySegment.ofArray(new byte[0]) : file);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Parses safetensors bytes already in memory (the caller keeps ownership of them). */
    public static SafetensorsFile parse(String source, MemorySegment bytes) throws SafetensorsFormatException {
        return parse(source, null, bytes.asReadOnly());
    }

    private static SafetensorsFile parse(String source, Arena arena, MemorySegment file) throws SafetensorsFormatException {
        long size = file.byteSize();
        if (size < 8) {
            throw new SafetensorsFormatException(source + ": not a safetensors file (" + size + " bytes, shorter than the header length)");
        }
        long headerLength = file.get(I64, 0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw new SafetensorsFormatException(source + ": not a safetensors file (header length " + Long.toUnsignedString(headerLength)
                    + " does not fit a file of " + size + " bytes)");
        }
        byte[] header = file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(source + ": the header is not UTF-8 text");
        }
        if (!text.stripLeading().startsWith("{")) {
            throw new SafetensorsFormatException(source + ": not a safetensors file (the header is not a JSON object)");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(source + ": the header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException(source + ": the header is not a JSON object");
        }
        MemorySegment data = file.asSlice(8 + headerLength);
        long dataSize = data.byteSize();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new SafetensorsFormatException(source + ": __metadata__ must be an object of strings");
                }
                for (Map.Entry<String, JsonNode> m : v.properties()) {
                    if (!m.getValue().isTextual()) {
                        throw new SafetensorsFormatException(source + ": __metadata__ value '" + m.getKey() + "' is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().asText());
                }
                continue;
            }
            tensors.put(name, tensor(source, name, v, dataSize));
        }
        List<Tensor> byStart = new ArrayList<>(tensors.values());
        byStart.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
        for (int i = 1; i < byStart.size(); i++) {
            Tensor a = byStart.get(i - 1);
            Tensor b = byStart.get(i);
            if (b.begin() < a.end()) {
                throw new SafetensorsFormatException(source + ": tensors '" + a.name() + "' and '" + b.name() + "' overlap in the data");
            }
        }
        return new SafetensorsFile(source, arena, data, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static Tensor tensor(String source, String name, JsonNode v, long dataSize) throws SafetensorsFormatException {
        String where = source + ": tensor '" + name + "'";
        if (!v.isObject()) {
            throw new SafetensorsFormatException(where + " is not described by an object");
        }
        JsonNode dtype = v.get("dtype");
        JsonNode shape = v.get("shape");
        JsonNode offsets = v.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null || !offsets.isArray()
                || offsets.size() != 2) {
            throw new SafetensorsFormatException(where + " needs a dtype, a shape and two data_offsets");
        }
        DType type = DType.byName(dtype.asText()).orElseThrow(() -> new SafetensorsFormatException(where + " has unknown dtype '"
                + dtype.asText() + "'"));
        if (shape.size() > 8) {
            throw new SafetensorsFormatException(where + " has " + shape.size() + " dimensions");
        }
        long[] dims = new long[shape.size()];
        long elements = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new SafetensorsFormatException(where + " has a bad dimension " + d);
            }
            dims[i] = d.asLong();
            try {
                elements = Math.multiplyExact(elements, dims[i]);
            } catch (ArithmeticException e) {
                throw new SafetensorsFormatException(where + " is impossibly large " + Arrays.toString(dims));
            }
        }
        for (JsonNode o : offsets) {
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.asLong() < 0) {
                throw new SafetensorsFormatException(where + " has a bad data offset " + o);
            }
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin > end || end > dataSize) {
            throw new SafetensorsFormatException(where + " lies outside the data: bytes " + begin + ".." + end + " of " + dataSize);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elements, type.bytes());
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(where + " is impossibly large " + Arrays.toString(dims));
        }
        if (end - begin != bytes) {
            throw new SafetensorsFormatException(where + " has shape " + Arrays.toString(dims) + " " + type + " (" + bytes
                    + " bytes) but " + (end - begin) + " bytes of data");
        }
        return new Tensor(name, type, dims, begin, end);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(8).maxStringLength((int) MAX_HEADER_BYTES).maxNumberLength(32).build()).build());

    /** Where the file came from, for messages. */
    public String source() {
        return source;
    }

    /** The tensors in header order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Optional<Tensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The {@code __metadata__} strings. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor, or a format error naming it. */
    public Tensor require(String name) throws SafetensorsFormatException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new SafetensorsFormatException(source + ": tensor '" + name + "' is missing");
        }
        return t;
    }

    /** The tensor's bytes: a read-only slice of the mapping. */
    public MemorySegment data(Tensor t) {
        return data.asSlice(t.begin(), t.end() - t.begin());
    }

    /** All elements of a float tensor (F32, F16 or BF16) as floats. */
    public float[] floats(Tensor t) throws SafetensorsFormatException {
        long n = t.elementCount();
        if (!t.dtype().isFloat()) {
            throw new SafetensorsFormatException(source + ": tensor '" + t.name() + "' is " + t.dtype() + ", not a float type");
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new SafetensorsFormatException(source + ": tensor '" + t.name() + "' is too large to read whole");
        }
        MemorySegment d = data(t);
        float[] out = new float[(int) n];
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(d, F32, 0, out, 0, out.length);
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(d.get(I16, 2L * i));
                }
            }
            default -> { // BF16: the upper half of a float
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((d.get(I16, 2L * i) & 0xFFFF) << 16);
                }
            }
        }
        return out;
    }

    /** All elements of an integer tensor (I64, I32) as longs. */
    public long[] longs(Tensor t) throws SafetensorsFormatException {
        long n = t.elementCount();
        if (t.dtype() != DType.I64 && t.dtype() != DType.I32) {
            throw new SafetensorsFormatException(source + ": tensor '" + t.name() + "' is " + t.dtype() + ", not an integer type");
        }
        if (n > 1 << 24) {
            throw new SafetensorsFormatException(source + ": tensor '" + t.name() + "' is too large to read as integers");
        }
        MemorySegment d = data(t);
        long[] out = new long[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.dtype() == DType.I64 ? d.get(I64, 8L * i)
                    : d.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i);
        }
        return out;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}

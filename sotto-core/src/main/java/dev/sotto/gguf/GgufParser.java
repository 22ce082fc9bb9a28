package dev.sotto.gguf;

import dev.sotto.tensor.GgmlType;
import dev.sotto.tensor.Layouts;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the header, metadata and tensor infos of a GGUF file (versions 2 and 3) from a segment, trusting
 * nothing: every count, length, dimension, offset and alignment is checked against the bytes that remain and
 * against overflow before anything is allocated, so the work and memory are bounded by the file's size.
 */
final class GgufParser {
    /** "GGUF" read as a little-endian uint32. */
    static final int MAGIC = 0x46554747;
    static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    /** Nested arrays deeper than this are refused (each level would cost a stack frame). */
    static final int MAX_ARRAY_DEPTH = 8;
    /** ggml tensors have at most 4 dimensions. */
    static final int MAX_DIMS = 4;
    static final int MAX_KEY_BYTES = 65_535;

    record Header(int version, Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset) {
    }

    private final MemorySegment seg;
    private final long size;
    private long pos;

    private GgufParser(MemorySegment seg) {
        this.seg = seg;
        this.size = seg.byteSize();
    }

    static Header parse(MemorySegment seg) throws GgufFormatException {
        return new GgufParser(seg).header();
    }

    private Header header() throws GgufFormatException {
        if (size < 4 || seg.get(Layouts.I32, 0) != MAGIC) {
            throw new GgufFormatException("not a GGUF file: the first 4 bytes at offset 0 are not \"GGUF\"");
        }
        pos = 4;
        long version = u32("version");
        if (version != 2 && version != 3) {
            throw fail(pos - 4, "version", "unsupported GGUF version " + version + " (supported: 2, 3)");
        }
        long tensorCount = u64("tensor_count");
        long kvCount = u64("metadata_kv_count");
        // Each KV pair takes at least 8 (key length) + 1 (key) + 4 (type) + 1 (value) bytes; each tensor info
        // at least 8 + 1 (name) + 4 (n_dims) + 8 (one dim) + 4 (type) + 8 (offset).
        checkCount(pos - 8, "metadata_kv_count", kvCount, 14);
        checkCount(pos - 16, "tensor_count", tensorCount, 33);

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyAt = pos;
            String key = string("metadata key #" + i, MAX_KEY_BYTES);
            if (key.isEmpty()) {
                throw fail(keyAt, "metadata key #" + i, "empty key");
            }
            GgufValueType type = valueType("type of '" + key + "'");
            GgufValue value = value(type, key, 0);
            if (metadata.putIfAbsent(key, value) != null) {
                throw fail(keyAt, "metadata key '" + key + "'", "duplicate key");
            }
        }

        int alignment = DEFAULT_ALIGNMENT;
        GgufValue alignValue = metadata.get(ALIGNMENT_KEY);
        if (alignValue != null) {
            if (alignValue.type() != GgufValueType.UINT32) {
                throw new GgufFormatException(ALIGNMENT_KEY + " must be a UINT32, found " + alignValue.type());
            }
            long a = alignValue.asLong();
            if (a < 1 || a > 1 << 20 || Long.bitCount(a) != 1) {
                throw new GgufFormatException(ALIGNMENT_KEY + " must be a power of two up to 1 MiB, found " + a);
            }
            alignment = (int) a;
        }

        List<GgufTensorInfo> tensors = new ArrayList<>((int) tensorCount);
        Set<String> names = new HashSet<>();
        List<Long> infoOffsets = new ArrayList<>((int) tensorCount);
        for (long i = 0; i < tensorCount; i++) {
            long at = pos;
            String name = string("tensor #" + i + " name", MAX_KEY_BYTES);
            String field = "tensor '" + name + "'";
            if (!names.add(name)) {
                throw fail(at, field, "duplicate tensor name");
            }
            long nDims = u32(field + " n_dimensions");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw fail(pos - 4, field + " n_dimensions", nDims + " dimensions (expected 1 to " + MAX_DIMS + ")");
            }
            long[] dims = new long[(int) nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                dims[d] = u64(field + " dimension " + d);
                if (dims[d] < 1) {
                    throw fail(pos - 8, field + " dimension " + d, "size " + Long.toUnsignedString(dims[d]) + " (must be at least 1)");
                }
                elements = multiplyOrFail(elements, dims[d], pos - 8, field);
            }
            long typeId = u32(field + " type");
            Optional<GgmlType> type = GgmlType.byId(typeId);
            if (type.isEmpty()) {
                throw fail(pos - 4, field + " type", "unsupported tensor type " + typeId);
            }
            GgmlType t = type.get();
            if (dims[0] % t.blockSize() != 0) {
                throw fail(pos - 4, field + " dimension 0", dims[0] + " is not a multiple of the " + t + " block size " + t.blockSize());
            }
            long byteSize = multiplyOrFail(elements / t.blockSize(), t.blockBytes(), pos - 4, field);
            long offset = u64(field + " offset");
            if (offset < 0 || offset % alignment != 0) {
                throw fail(pos - 8, field + " offset", Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
            }
            tensors.add(new GgufTensorInfo(name, dims, t, offset, byteSize));
            infoOffsets.add(at);
        }

        long dataOffset = alignUp(pos, alignment);
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            // dataOffset <= size here is not guaranteed; compare without overflow.
            long available = size - dataOffset;
            if (available < 0 || t.offset() > available || t.byteSize() > available - t.offset()) {
                throw fail(infoOffsets.get(i), "tensor '" + t.name() + "' data",
                        t.byteSize() + " bytes at data offset " + t.offset() + " run past the end of the file ("
                                + size + " bytes, tensor data starts at " + dataOffset + ")");
            }
        }
        // No two tensors may share bytes: an edit to one would change the other (ggml's writers never overlap them).
        Integer[] byOffset = new Integer[tensors.size()];
        for (int i = 0; i < byOffset.length; i++) {
            byOffset[i] = i;
        }
        java.util.Arrays.sort(byOffset, java.util.Comparator.comparingLong(i -> tensors.get(i).offset()));
        for (int k = 1; k < byOffset.length; k++) {
            GgufTensorInfo before = tensors.get(byOffset[k - 1]);
            GgufTensorInfo t = tensors.get(byOffset[k]);
            if (t.byteSize() > 0 && before.offset() + before.byteSize() > t.offset()) {
                throw fail(infoOffsets.get(byOffset[k]), "tensor '" + t.name() + "' data", "bytes at data offset " + t.offset()
                        + " overlap tensor '" + before.name() + "' (" + before.byteSize() + " bytes at " + before.offset() + ")");
            }
        }
        return new Header((int) version, Collections.unmodifiableMap(metadata), List.copyOf(tensors), alignment, dataOffset);
    }

    private GgufValue value(GgufValueType type, String key, int depth) throws GgufFormatException {
        String field = "value of '" + key + "'";
        return switch (type) {
            case UINT8 -> new GgufValue(type, (byte) u8(field));
            case INT8 -> new GgufValue(type, (byte) u8(field));
            case UINT16, INT16 -> new GgufValue(type, (short) u16(field));
            case UINT32, INT32 -> new GgufValue(type, (int) u32(field));
            case UINT64, INT64 -> new GgufValue(type, u64(field));
            case FLOAT32 -> new GgufValue(type, Float.intBitsToFloat((int) u32(field)));
            case FLOAT64 -> new GgufValue(type, Double.longBitsToDouble(u64(field)));
            case BOOL -> new GgufValue(type, bool(field));
            case STRING -> new GgufValue(type, string(field, Integer.MAX_VALUE));
            case ARRAY -> new GgufValue(type, array(key, depth + 1));
        };
    }

    private GgufArray array(String key, int depth) throws GgufFormatException {
        String field = "array '" + key + "'";
        long at = pos;
        if (depth > MAX_ARRAY_DEPTH) {
            throw fail(at, field, "arrays nested deeper than " + MAX_ARRAY_DEPTH);
        }
        GgufValueType elementType = valueType(field + " element type");
        long count = u64(field + " length");
        checkCount(pos - 8, field + " length", count, elementType.minEncodedSize());
        int n = (int) count;
        Object values = switch (elementType) {
            case UINT8, INT8 -> {
                byte[] a = new byte[n];
                MemorySegment.copy(seg, Layouts.I8, pos, a, 0, n);
                pos += n;
                yield a;
            }
            case UINT16, INT16 -> {
                short[] a = new short[n];
                MemorySegment.copy(seg, Layouts.I16, pos, a, 0, n);
                pos += 2L * n;
                yield a;
            }
            case UINT32, INT32 -> {
                int[] a = new int[n];
                MemorySegment.copy(seg, Layouts.I32, pos, a, 0, n);
                pos += 4L * n;
                yield a;
            }
            case UINT64, INT64 -> {
                long[] a = new long[n];
                MemorySegment.copy(seg, Layouts.I64, pos, a, 0, n);
                pos += 8L * n;
                yield a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                MemorySegment.copy(seg, Layouts.F32, pos, a, 0, n);
                pos += 4L * n;
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                MemorySegment.copy(seg, Layouts.F64, pos, a, 0, n);
                pos += 8L * n;
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bool(field + " element " + i);
                }
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = string(field + " element " + i, Integer.MAX_VALUE);
                }
                yield a;
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = array(key + "[" + i + "]", depth + 1);
                }
                yield a;
            }
        };
        return new GgufArray(elementType, values);
    }

    // ---------------------------------------------------------------- primitives

    private GgufValueType valueType(String field) throws GgufFormatException {
        long id = u32(field);
        return GgufValueType.byId(id).orElseThrow(() -> fail(pos - 4, field, "unknown value type " + id));
    }

    private void need(long bytes, String field) throws GgufFormatException {
        if (bytes > size - pos) {
            throw fail(pos, field, "needs " + bytes + " bytes but the file ends at " + size);
        }
    }

    private int u8(String field) throws GgufFormatException {
        need(1, field);
        return seg.get(Layouts.I8, pos++) & 0xFF;
    }

    private int u16(String field) throws GgufFormatException {
        need(2, field);
        int v = seg.get(Layouts.I16, pos) & 0xFFFF;
        pos += 2;
        return v;
    }

    private long u32(String field) throws GgufFormatException {
        need(4, field);
        long v = Integer.toUnsignedLong(seg.get(Layouts.I32, pos));
        pos += 4;
        return v;
    }

    /** A uint64 as raw bits; callers treat negative values as too large. */
    private long u64(String field) throws GgufFormatException {
        need(8, field);
        long v = seg.get(Layouts.I64, pos);
        pos += 8;
        return v;
    }

    private boolean bool(String field) throws GgufFormatException {
        int b = u8(field);
        if (b > 1) {
            throw fail(pos - 1, field, "bool byte " + b + " (must be 0 or 1)");
        }
        return b == 1;
    }

    private String string(String field, int maxBytes) throws GgufFormatException {
        long len = u64(field + " length");
        if (len < 0 || len > maxBytes || len > size - pos || len > Integer.MAX_VALUE - 8) {
            throw fail(pos - 8, field, "string length " + Long.toUnsignedString(len) + " exceeds "
                    + Math.min(maxBytes, size - pos) + " (bytes left or limit)");
        }
        byte[] bytes = new byte[(int) len];
        MemorySegment.copy(seg, Layouts.I8, pos, bytes, 0, bytes.length);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw fail(pos, field, "string is not valid UTF-8");
        }
    }

    /** A count of items that take at least {@code minBytes} each must fit in what is left of the file. */
    private void checkCount(long at, String field, long count, int minBytes) throws GgufFormatException {
        long left = size - pos;
        if (count < 0 || count > Integer.MAX_VALUE - 8 || (minBytes > 0 && count > left / minBytes)) {
            throw fail(at, field, "count " + Long.toUnsignedString(count) + " cannot fit in the " + left + " bytes left");
        }
    }

    private static long multiplyOrFail(long a, long b, long at, String field) throws GgufFormatException {
        if (a < 0 || b < 0) {
            throw fail(at, field, "size overflows");
        }
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw fail(at, field, "size overflows");
        }
    }

    static long alignUp(long offset, long alignment) {
        long rem = offset % alignment;
        return rem == 0 ? offset : offset + (alignment - rem);
    }

    private static GgufFormatException fail(long offset, String field, String problem) {
        return new GgufFormatException("GGUF " + field + " at offset " + offset + ": " + problem);
    }
}

package dev.sotto.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sotto.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a safetensors file: tensors in the order added, the header padded with spaces to a multiple of 8 bytes (as
 * the reference implementation does), written atomically.
 */
public final class SafetensorsWriter {
    private record Pending(DType dtype, long[] shape, byte[] bytes) {
    }

    private final Map<String, Pending> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** A float32 tensor of {@code shape} (outermost first). */
    public SafetensorsWriter putF32(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return put(name, DType.F32, shape, b.array());
    }

    /** An int64 tensor of {@code shape}. */
    public SafetensorsWriter putI64(String name, long[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return put(name, DType.I64, shape, b.array());
    }

    /** A tensor given as its raw little-endian bytes. */
    public SafetensorsWriter put(String name, DType dtype, long[] shape, byte[] bytes) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n * dtype.bytes() != bytes.length) {
            throw new IllegalArgumentException("tensor '" + name + "': " + bytes.length + " bytes for " + n + " " + dtype + " elements");
        }
        if (name.equals("__metadata__") || tensors.putIfAbsent(name, new Pending(dtype, shape.clone(), bytes)) != null) {
            throw new IllegalArgumentException("tensor name '" + name + "' is reserved or repeated");
        }
        return this;
    }

    public void write(Path path) throws IOException {
        ObjectNode header = new ObjectMapper().createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Pending> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype().name());
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            var offsets = t.putArray("data_offsets");
            offsets.add(offset);
            offset += e.getValue().bytes().length;
            offsets.add(offset);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = new byte[8 + padded];
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, head, 8, json.length);
        java.util.Arrays.fill(head, 8 + json.length, head.length, (byte) ' ');
        AtomicFiles.write(path, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(head);
                for (Pending p : tensors.values()) {
                    out.write(p.bytes());
                }
            }
        });
    }
}

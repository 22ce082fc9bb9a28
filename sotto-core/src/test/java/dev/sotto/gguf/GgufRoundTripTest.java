package dev.sotto.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.tensor.GgmlType;
import dev.sotto.tensor.WeightMatrix;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void writeThenReadGivesIdenticalMetadataAndTensors() throws IOException {
        GgufWriter writer = GgufSamples.everything();
        byte[] bytes = writer.toBytes();
        Path file = dir.resolve("model.gguf");
        writer.write(file);
        assertArrayEquals(bytes, Files.readAllBytes(file), "file and in-memory encodings agree");

        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(3, gguf.version());
            assertEquals(32, gguf.alignment());
            assertEquals(0, gguf.dataOffset() % 32);
            assertEquals("tëst voice ✓ 日本語", gguf.requireString("general.name"));
            assertEquals(255, gguf.get("u8").orElseThrow().asLong());
            assertEquals(-5, gguf.get("i8").orElseThrow().asLong());
            assertEquals(65535, gguf.get("u16").orElseThrow().asLong());
            assertEquals(0xFFFFFFFFL, gguf.requireInteger("u32", 0, Long.MAX_VALUE));
            assertEquals("18446744073709551615", gguf.get("u64").orElseThrow().toString());
            assertThrows(ArithmeticException.class, () -> gguf.get("u64").orElseThrow().asLong());
            assertEquals(Long.MIN_VALUE, gguf.get("i64").orElseThrow().asLong());
            assertEquals(Math.PI, gguf.get("f64").orElseThrow().asDouble());
            assertEquals(0.667f, (float) gguf.get("f32").orElseThrow().asDouble());
            assertTrue(gguf.get("bool").orElseThrow().asBool());
            assertArrayEquals(new String[] {"_", "^", "$", "ɐ", ""}, gguf.get("strings").orElseThrow().asArray().strings());
            GgufArray nested = gguf.get("nested").orElseThrow().asArray();
            assertEquals(GgufValueType.ARRAY, nested.elementType());
            assertEquals(3, nested.length());

            // Every value, including nested arrays and NaN floats, equals what was written.
            GgufFile again = GgufFile.parse(MemorySegment.ofArray(bytes));
            assertEquals(again.metadata(), gguf.metadata());
            assertEquals(List.copyOf(again.metadata().keySet()), List.copyOf(gguf.metadata().keySet()), "order kept");

            for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0}) {
                GgufTensorInfo info = gguf.tensor("w." + t.cliName()).orElseThrow();
                assertEquals(t, info.type());
                assertArrayEquals(new long[] {64, 3}, info.dims());
                assertEquals(0, info.offset() % 32);
                WeightMatrix m = gguf.matrix(info.name());
                assertEquals(3, m.rows());
                assertEquals(64, m.cols());
                assertArrayEquals(again.data(info).toArray(ValueLayout.JAVA_BYTE), gguf.data(info).toArray(ValueLayout.JAVA_BYTE));
            }
            assertEquals(42f, gguf.floats("scalar")[0]);
            assertEquals("[3, 2, 5]", gguf.tensor("conv").orElseThrow().shapeString());
            WeightMatrix conv = gguf.matrix("conv", 10);
            assertEquals(3, conv.rows());
            assertTrue(gguf.data("conv").isReadOnly(), "tensor data is a read-only view");
        }
    }

    @Test
    void quantizedFilesCarryTheQuantizationVersion() throws IOException {
        float[] v = new float[32];
        GgufWriter plain = new GgufWriter();
        plain.addTensor("a", new long[] {32}, GgmlType.F32, GgufSamples.floatsAs(GgmlType.F32, v));
        plain.addTensor("b", new long[] {32}, GgmlType.F16, GgufSamples.floatsAs(GgmlType.F16, v));
        assertFalse(GgufFile.parse(MemorySegment.ofArray(plain.toBytes())).get("general.quantization_version").isPresent());
        for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            GgufWriter q = new GgufWriter();
            q.addTensor("a", new long[] {32}, t, GgufSamples.floatsAs(t, v));
            GgufFile f = GgufFile.parse(MemorySegment.ofArray(q.toBytes()));
            assertEquals(2, f.get("general.quantization_version").orElseThrow().asLong(), t.toString());
        }
    }

    @Test
    void customAlignmentIsRecordedAndHonoured() throws IOException {
        GgufWriter w = new GgufWriter().alignment(64);
        w.addTensor("a", new long[] {3}, GgmlType.F32, GgufSamples.floatsAs(GgmlType.F32, new float[] {1, 2, 3}));
        w.addTensor("b", new long[] {32}, GgmlType.Q8_0, GgufSamples.floatsAs(GgmlType.Q8_0, new float[32]));
        Path file = dir.resolve("aligned.gguf");
        w.write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertEquals(64, g.alignment());
            assertEquals(64, g.get("general.alignment").orElseThrow().asLong());
            assertEquals(0, g.dataOffset() % 64);
            assertEquals(64, g.tensor("b").orElseThrow().offset());
        }
    }

    @Test
    void fileWithoutTensorsHasNoPadding() throws IOException {
        byte[] bytes = new GgufWriter().put("a", "b").toBytes();
        assertEquals(4 + 4 + 8 + 8 + (8 + 1) + 4 + (8 + 1), bytes.length);
        GgufFile g = GgufFile.parse(MemorySegment.ofArray(bytes));
        assertTrue(g.tensors().isEmpty());
    }

    @Test
    void writeIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("voice.gguf");
        Files.writeString(file, "old content");
        GgufSamples.everything().write(file);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        try (GgufFile g = GgufFile.open(file)) {
            assertFalse(g.tensors().isEmpty());
        }
    }

    @Test
    void writerRefusesInconsistentTensors() {
        GgufWriter w = new GgufWriter();
        MemorySegment twelve = GgufSamples.floatsAs(GgmlType.F32, new float[3]);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x", new long[] {4}, GgmlType.F32, twelve));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x", new long[] {3, 0}, GgmlType.F32, twelve));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x", new long[] {16}, GgmlType.Q8_0, twelve));
        w.addTensor("x", new long[] {3}, GgmlType.F32, twelve);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x", new long[] {3}, GgmlType.F32, twelve));
        assertThrows(IllegalArgumentException.class, () -> w.alignment(24));
    }
}

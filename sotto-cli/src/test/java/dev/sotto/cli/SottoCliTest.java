package dev.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufWriter;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SottoCliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SottoCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private Path sampleModel() throws IOException {
        Random rnd = new Random(9);
        float[] big = new float[64 * 128];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) rnd.nextGaussian();
        }
        MemorySegment bigData = Arena.ofAuto().allocate(GgmlType.F32.bytesFor(big.length));
        GgmlType.F32.format().quantize(big, 0, big.length, bigData, 0);
        MemorySegment bias = Arena.ofAuto().allocate(4 * 64);
        Path p = dir.resolve("model.gguf");
        new GgufWriter().put("general.name", "sample")
                .addTensor("proj.weight", new long[] {128, 64}, GgmlType.F32, bigData)
                .addTensor("proj.bias", new long[] {64}, GgmlType.F32, bias)
                .write(p);
        return p;
    }

    @Test
    void versionAndHelp() {
        Result v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("sotto "), v.out());
        Result h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("inspect") && h.out().contains("quantize"), h.out());
    }

    @Test
    void inspectListsMetadataAndTensors() throws IOException {
        Result r = run("inspect", sampleModel().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("GGUF v3"), r.out());
        assertTrue(r.out().contains("general.name") && r.out().contains("\"sample\""), r.out());
        assertTrue(r.out().contains("proj.weight") && r.out().contains("[64, 128]"), r.out());
    }

    @Test
    void quantizeConvertsMatricesAndKeepsSmallTensors() throws IOException {
        Path in = sampleModel();
        Path out = dir.resolve("q8.gguf");
        Result r = run("quantize", in.toString(), "-o", out.toString(), "--type", "q8_0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 tensors converted to q8_0"), r.out());
        try (GgufFile g = GgufFile.open(out)) {
            assertEquals(GgmlType.Q8_0, g.tensor("proj.weight").orElseThrow().type());
            assertEquals(GgmlType.F32, g.tensor("proj.bias").orElseThrow().type());
            assertEquals("sample", g.requireString("general.name"));
        }
        assertTrue(Files.size(out) < Files.size(in) / 3, "q8_0 is about a quarter of f32");
    }

    @Test
    void errorsAreOneLineWithoutStackTraces() throws IOException {
        Result missing = run("inspect", dir.resolve("absent.gguf").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("sotto: no such file"), missing.err());

        Path junk = dir.resolve("junk.gguf");
        Files.writeString(junk, "this is not a model");
        Result bad = run("inspect", junk.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("not a GGUF file"), bad.err());
        assertFalse(bad.err().contains("\tat "), "no stack trace: " + bad.err());

        Result type = run("quantize", sampleModel().toString(), "-o", dir.resolve("x.gguf").toString(), "--type", "q5_k");
        assertEquals(1, type.code());
        assertTrue(type.err().contains("--type must be"), type.err());
        assertFalse(Files.exists(dir.resolve("x.gguf")));

        Result usage = run("quantize");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("Missing required"), usage.err());
    }
}

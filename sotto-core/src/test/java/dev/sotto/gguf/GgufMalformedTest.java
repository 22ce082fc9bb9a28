package dev.sotto.gguf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of malformed file is refused with a {@link GgufFormatException} that says what and where. */
class GgufMalformedTest {
    @TempDir
    Path dir;

    private static void refused(Bytes b, String... expectedInMessage) {
        refused(b.toArray(), expectedInMessage);
    }

    private static void refused(byte[] bytes, String... expectedInMessage) {
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.parse(MemorySegment.ofArray(bytes)));
        for (String part : expectedInMessage) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    /** Trailing zeros, so that the header's count-versus-size checks pass and the later check is reached. */
    private static Bytes slack(Bytes b) {
        for (int i = 0; i < 64; i++) {
            b.u8(0);
        }
        return b;
    }

    private static Bytes oneTensor(long nDims, long[] dims, long type, long offset) {
        Bytes b = new Bytes().header(1, 0).str("t").u32(nDims);
        for (long d : dims) {
            b.u64(d);
        }
        return b.u32(type).u64(offset);
    }

    @Test
    void badMagicAndVersion() {
        refused(new byte[0], "not a GGUF file");
        refused(new Bytes().raw('G', 'G', 'M', 'L').u32(3), "not a GGUF file");
        refused(new Bytes().raw('G', 'G', 'U', 'F').u32(1).u64(0).u64(0), "unsupported GGUF version 1");
        refused(new Bytes().raw('G', 'G', 'U', 'F').u32(3).u64(0), "metadata_kv_count", "offset 16");
    }

    @Test
    void hostileCounts() {
        refused(new Bytes().header(0, 1L << 40), "metadata_kv_count", "cannot fit");
        refused(new Bytes().header(-1L, 0), "tensor_count");
        refused(new Bytes().header(0, 1).str("k").u32(9).u32(4).u64(1L << 61), "array 'k' length", "cannot fit");
        refused(new Bytes().header(0, 1).str("k").u32(9).u32(8).u64(100).str("a"), "array 'k'");
    }

    @Test
    void badStrings() {
        refused(slack(new Bytes().header(0, 1).u64(-1L)), "metadata key #0", "string length 18446744073709551615");
        refused(slack(new Bytes().header(0, 1).u64(1000).raw('k')), "metadata key #0", "string length 1000");
        refused(slack(new Bytes().header(0, 1).u64(2).raw(0xC3, 0x28).u32(7).u8(0)), "not valid UTF-8");
        refused(slack(new Bytes().header(0, 1).str("").u32(7).u8(0)), "empty key");
    }

    @Test
    void badValues() {
        refused(slack(new Bytes().header(0, 1).str("k").u32(13)), "type of 'k'", "unknown value type 13");
        refused(slack(new Bytes().header(0, 1).str("k").u32(7).u8(2)), "value of 'k'", "bool byte 2");
        refused(new Bytes().header(0, 1).str("k").u32(4).raw(1, 2), "value of 'k'", "file ends");
        refused(slack(new Bytes().header(0, 2).str("k").u32(7).u8(1).str("k").u32(7).u8(0)), "duplicate key");
        Bytes deep = new Bytes().header(0, 1).str("k").u32(9);
        for (int i = 0; i < 20; i++) {
            deep.u32(9).u64(1);
        }
        deep.u32(7).u64(0);
        refused(deep, "nested deeper");
    }

    @Test
    void badAlignment() {
        refused(new Bytes().header(0, 1).str("general.alignment").u32(4).u32(24), "power of two");
        refused(new Bytes().header(0, 1).str("general.alignment").u32(4).u32(0), "power of two");
        refused(new Bytes().header(0, 1).str("general.alignment").u32(5).u32(32), "must be a UINT32");
    }

    @Test
    void badTensorInfos() {
        refused(slack(oneTensor(0, new long[0], 0, 0)), "tensor 't' n_dimensions", "0 dimensions");
        refused(slack(oneTensor(5, new long[] {1, 1, 1, 1, 1}, 0, 0)), "5 dimensions");
        refused(slack(oneTensor(1, new long[] {0}, 0, 0)), "dimension 0", "at least 1");
        refused(slack(oneTensor(2, new long[] {1L << 40, 1L << 40}, 0, 0)), "overflows");
        refused(slack(oneTensor(1, new long[] {4}, 99, 0)), "unsupported tensor type 99");
        refused(slack(oneTensor(1, new long[] {16}, 8, 0)), "not a multiple of the Q8_0 block size 32");
        refused(slack(oneTensor(1, new long[] {4}, 0, 4)), "offset", "not a multiple of the alignment 32");
        refused(oneTensor(1, new long[] {4}, 0, 0).padTo(32).u32(0), "tensor 't' data", "past the end");
        refused(slack(oneTensor(1, new long[] {4}, 0, -32L)), "offset");
        Bytes dup = new Bytes().header(2, 0).str("t").u32(1).u64(1).u32(0).u64(0).str("t").u32(1).u64(1).u32(0).u64(32);
        refused(dup, "duplicate tensor name");
        // Two tensors of 16 floats (64 bytes), the second starting inside the first.
        Bytes overlap = new Bytes().header(2, 0).str("a").u32(1).u64(16).u32(0).u64(0).str("b").u32(1).u64(16).u32(0).u64(32);
        for (int i = 0; i < 160; i++) {
            overlap.u8(0);
        }
        refused(overlap, "tensor 'b' data", "overlap tensor 'a'");
    }

    @Test
    void truncatedFileIsNamedInTheMessage() throws IOException {
        byte[] full = GgufSamples.everything().toBytes();
        Path file = dir.resolve("cut.gguf");
        Files.write(file, java.util.Arrays.copyOf(full, full.length - 10));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file));
        assertTrue(e.getMessage().startsWith("cut.gguf: "), e.getMessage());
        assertTrue(e.getMessage().contains("past the end"), e.getMessage());
    }

    @Test
    void missingFileIsAnIoErrorNotAFormatError() {
        assertThrows(NoSuchFileException.class, () -> GgufFile.open(dir.resolve("absent.gguf")));
    }

    @Test
    void requiredMetadataIsChecked() throws GgufFormatException {
        GgufFile g = GgufFile.parse(MemorySegment.ofArray(new GgufWriter().put("n", 5).put("s", "x").toBytes()));
        assertThrows(GgufFormatException.class, () -> g.requireString("n"));
        assertThrows(GgufFormatException.class, () -> g.requireString("missing"));
        assertThrows(GgufFormatException.class, () -> g.requireInteger("n", 6, 10));
        assertThrows(GgufFormatException.class, () -> g.requireInteger("s", 0, 10));
    }
}

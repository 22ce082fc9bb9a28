package dev.sotto.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sotto.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Files assembled byte by byte from the GGUF v3 layout, independent of {@link GgufWriter}. */
class GgufSpecBytesTest {

    @Test
    void readsAHandBuiltFile() throws GgufFormatException {
        Bytes b = new Bytes().header(2, 3)
                .str("general.architecture").u32(8).str("vits")                 // STRING
                .str("vits.sample_rate").u32(4).u32(22050)                        // UINT32
                .str("vits.ids").u32(9).u32(5).u64(3).u32(1).u32(0).u32(0xFFFFFFFFL) // ARRAY of INT32
                .str("bias").u32(1).u64(4).u32(0).u64(0)                          // [4] F32 at 0
                .str("emb").u32(2).u64(32).u64(2).u32(8).u64(32);                 // [2, 32] Q8_0 at 32
        int infoEnd = b.size();
        b.padTo(32);
        int dataStart = b.size();
        b.f32(1f).f32(-2f).f32(0.5f).f32(1e-3f).padTo(32);
        for (int block = 0; block < 2; block++) {
            b.raw(0x00, 0x3C); // fp16 1.0
            for (int j = 0; j < 32; j++) {
                b.u8(j - 16);
            }
        }
        GgufFile g = GgufFile.parse(MemorySegment.ofArray(b.toArray()));
        assertEquals(3, g.version());
        assertEquals("vits", g.requireString("general.architecture"));
        assertEquals(22050, g.requireInteger("vits.sample_rate", 1, 1_000_000));
        GgufArray ids = g.get("vits.ids").orElseThrow().asArray();
        assertEquals(GgufValueType.INT32, ids.elementType());
        assertEquals(-1, ids.integerAt(2));
        assertEquals(((infoEnd + 31) / 32) * 32, g.dataOffset());
        assertEquals(dataStart, g.dataOffset());
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 1e-3f}, g.floats("bias"));
        GgufTensorInfo emb = g.tensor("emb").orElseThrow();
        assertEquals(GgmlType.Q8_0, emb.type());
        assertEquals(68, emb.byteSize());
        float[] e = g.floats("emb");
        assertEquals(-16f, e[0]);
        assertEquals(15f, e[63]);
    }

    @Test
    void versionTwoIsAccepted() throws GgufFormatException {
        byte[] bytes = new Bytes().raw('G', 'G', 'U', 'F').u32(2).u64(0).u64(1).str("k").u32(7).u8(1).toArray();
        GgufFile g = GgufFile.parse(MemorySegment.ofArray(bytes));
        assertEquals(2, g.version());
        assertEquals(true, g.get("k").orElseThrow().asBool());
    }
}

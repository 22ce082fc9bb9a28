package dev.sotto.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WavReader on hand-built files: each sample width, extensible headers, and sizes it must refuse before reading. */
class WavReaderTest {
    @TempDir
    Path dir;

    /** A WAV header: fmt chunk (16 bytes, or 40 for WAVE_FORMAT_EXTENSIBLE) then the data chunk's header. */
    private static ByteBuffer header(int format, int channels, int rate, int bits, long dataBytes, boolean extensible) {
        int fmtLength = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtLength + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt((int) Math.min(0xFFFFFFFFL, 4 + 8 + fmtLength + 8 + dataBytes)).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(fmtLength);
        b.putShort((short) (extensible ? 0xFFFE : format)).putShort((short) channels).putInt(rate);
        int blockAlign = channels * bits / 8;
        b.putInt(rate * blockAlign).putShort((short) blockAlign).putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(0).putShort((short) format).put(new byte[14]);
        }
        b.putInt(0x61746164).putInt((int) dataBytes);
        return b.flip();
    }

    private Path write(ByteBuffer header, byte[] data) throws IOException {
        Path p = Files.createTempFile(dir, "w", ".wav");
        byte[] all = new byte[header.remaining() + data.length];
        header.get(all, 0, header.remaining());
        System.arraycopy(data, 0, all, all.length - data.length, data.length);
        Files.write(p, all);
        return p;
    }

    @Test
    void readsEachSampleWidthAndDownmixes() throws IOException {
        ByteBuffer pcm16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 16384).putShort((short) -16384)
                .putShort((short) 0).putShort((short) 32767);
        WavReader.Recording r = WavReader.read(write(header(1, 2, 44100, 16, 8, false), pcm16.array()));
        assertEquals(44100, r.sampleRate());
        assertEquals(2, r.frames());
        assertArrayEquals(new float[] {0f, 32767 / 65536f}, r.mono(), 1e-7f);

        byte[] pcm24 = {0, 0, 0x40, 0, 0, (byte) 0xC0}; // 0.5, -0.5
        assertArrayEquals(new float[] {0.5f, -0.5f}, WavReader.read(write(header(1, 1, 8000, 24, 6, false), pcm24)).mono(), 1e-7f);

        ByteBuffer f32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(-1f);
        assertArrayEquals(new float[] {0.25f, -1f}, WavReader.read(write(header(3, 1, 24000, 32, 8, true), f32.array())).mono());
    }

    @Test
    void refusesWhatItCannotReadWithAMessage() throws IOException {
        var bad = assertThrows(WavReader.WavFormatException.class, () -> WavReader.read(write(header(2, 1, 8000, 4, 0, false), new byte[0])));
        assertTrue(bad.getMessage().contains("not supported"), bad.getMessage());
        var text = assertThrows(WavReader.WavFormatException.class, () -> WavReader.read(write(ByteBuffer.wrap("hello, not audio".getBytes()),
                new byte[0])));
        assertTrue(text.getMessage().contains("not a WAV file"), text.getMessage());
    }

    @Test
    void refusesMoreThanItCanHoldBeforeReading() throws IOException {
        // 64 channels of 64-bit float at 768 kHz: 2.06 GB is under the duration limit but over what one array holds.
        long bytes = (2L << 30) + (64L << 20);
        Path p = write(header(3, 64, 768_000, 64, 0xFFFFFFFFL, false), new byte[0]);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(f.length() + bytes); // sparse: nothing is written
        }
        var e = assertThrows(WavReader.WavFormatException.class, () -> WavReader.read(p));
        assertTrue(e.getMessage().contains("at most 2 GB"), e.getMessage());
    }
}

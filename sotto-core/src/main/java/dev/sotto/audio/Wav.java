package dev.sotto.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import dev.sotto.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** RIFF/WAVE output (mono), and the sample conversions that go with it. */
public final class Wav {
    private Wav() {
    }

    /** The 44-byte header of a mono WAV file holding {@code samples} samples. */
    public static byte[] header(int sampleRate, SampleFormat format, long samples) {
        long dataBytes = samples * format.bytesPerSample();
        if (dataBytes > 0xFFFF_FFFFL - 36) {
            throw new IllegalArgumentException("audio too long for a WAV file (" + samples + " samples)");
        }
        ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt((int) (36 + dataBytes)).put(new byte[] {'W', 'A', 'V', 'E'});
        b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) format.wavFormatTag()).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * format.bytesPerSample()).putShort((short) format.bytesPerSample())
                .putShort((short) format.bits());
        b.put(new byte[] {'d', 'a', 't', 'a'}).putInt((int) dataBytes);
        return b.array();
    }

    /** Samples encoded little-endian: F32 as is, S16 clipped to [-1, 1] and rounded. */
    public static byte[] encode(float[] samples, int from, int to, SampleFormat format) {
        ByteBuffer b = ByteBuffer.allocate((to - from) * format.bytesPerSample()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < to; i++) {
            if (format == SampleFormat.F32) {
                b.putFloat(samples[i]);
            } else {
                b.putShort(toS16(samples[i]));
            }
        }
        return b.array();
    }

    public static short toS16(float v) {
        float c = Float.isNaN(v) ? 0f : Math.max(-1f, Math.min(1f, v));
        return (short) Math.round(c * 32767f);
    }

    /** Writes a whole WAV to a stream. */
    public static void write(OutputStream out, float[] samples, int sampleRate, SampleFormat format) throws IOException {
        out.write(header(sampleRate, format, samples.length));
        for (int i = 0; i < samples.length; i += 1 << 16) {
            out.write(encode(samples, i, Math.min(samples.length, i + (1 << 16)), format));
        }
    }

    /** Writes a WAV file atomically: complete under its name, or not there at all. */
    public static void write(Path path, float[] samples, int sampleRate, SampleFormat format) throws IOException {
        AtomicFiles.write(path, tmp -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                write(out, samples, sampleRate, format);
            }
        });
    }

    /** Scales so the peak is {@code peak} (no change for near-silence below 1e-8), like Piper's output stage. */
    public static void normalizePeak(float[] samples, float peak) {
        float max = 0f;
        for (float v : samples) {
            max = Math.max(max, Math.abs(v));
        }
        if (max < 1e-8f) {
            java.util.Arrays.fill(samples, 0f);
            return;
        }
        float scale = peak / max;
        for (int i = 0; i < samples.length; i++) {
            samples[i] *= scale;
        }
    }
}

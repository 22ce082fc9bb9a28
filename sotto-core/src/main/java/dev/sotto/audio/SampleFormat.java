package dev.sotto.audio;

import java.util.Locale;

/** Sample encodings sotto writes: 16-bit PCM or 32-bit IEEE float. */
public enum SampleFormat {
    S16(16, 1),
    F32(32, 3);

    private final int bits;
    private final int wavFormatTag;

    SampleFormat(int bits, int wavFormatTag) {
        this.bits = bits;
        this.wavFormatTag = wavFormatTag;
    }

    public int bits() {
        return bits;
    }

    public int bytesPerSample() {
        return bits / 8;
    }

    /** WAVE_FORMAT_PCM (1) or WAVE_FORMAT_IEEE_FLOAT (3). */
    int wavFormatTag() {
        return wavFormatTag;
    }

    public static SampleFormat parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "s16", "s16le", "pcm16" -> S16;
            case "f32", "f32le", "float" -> F32;
            default -> throw new IllegalArgumentException("sample format must be s16 or f32, not '" + s + "'");
        };
    }
}

package dev.sotto.codec;

import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Wav;
import java.io.IOException;
import java.io.OutputStream;

/**
 * 16-bit PCM WAV. The header goes out first with its two sizes set to 0xFFFFFFFF, the streaming placeholder
 * (players read to the end); {@link #finalHeader()} has the real sizes for a file.
 */
final class WavEncoder implements AudioEncoder {
    private final OutputStream out;
    private final int rate;
    private long samples;
    private boolean begun;

    WavEncoder(OutputStream out, int rate) {
        this.out = out;
        this.rate = rate;
    }

    private void begin() throws IOException {
        begun = true;
        byte[] h = Wav.header(rate, SampleFormat.S16, 0);
        for (int i : new int[] {4, 40}) { // RIFF size and data size
            h[i] = h[i + 1] = h[i + 2] = h[i + 3] = (byte) 0xFF;
        }
        out.write(h);
    }

    @Override
    public void write(float[] s, int from, int to) throws IOException {
        if (!begun) {
            begin();
        }
        out.write(Wav.encode(s, from, to, SampleFormat.S16));
        samples += to - from;
    }

    @Override
    public void finish() throws IOException {
        if (!begun) {
            begin();
        }
        out.flush();
    }

    @Override
    public byte[] finalHeader() {
        long n = samples;
        return n * 2 > 0xFFFF_FFFFL - 36 ? null : Wav.header(rate, SampleFormat.S16, n); // longer than WAV allows: placeholders stay
    }
}

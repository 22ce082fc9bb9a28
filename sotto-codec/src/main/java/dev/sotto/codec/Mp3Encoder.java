package dev.sotto.codec;

import de.sciss.jump3r.lowlevel.LameEncoder;
import dev.sotto.audio.AudioFilter;
import dev.sotto.audio.Resampler;
import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Wav;
import java.io.IOException;
import java.io.OutputStream;

/**
 * MP3 through jump3r (LAME in Java): constant 64 kbit/s mono, LAME's middle quality, at 22.05 kHz or above
 * (lower rates are resampled up: MP3's lower rates have longer frames, so more padding). Frames leave as LAME
 * makes them (576 samples each below 32 kHz, about 26 ms at 22.05 kHz). LAME's first frame is an empty
 * placeholder for a Xing/LAME tag that only a seekable file could fill in; it would play as a frame of silence,
 * so it is dropped. Without the tag, players count LAME's delay (1,105 samples) and the padding of the last frame
 * as audio: about 50 to 80 ms of silence more than the input.
 */
final class Mp3Encoder implements AudioEncoder {
    /** The rates MPEG-1, 2 and 2.5 Layer III define. */
    private static final int[] RATES = {22_050, 24_000, 32_000, 44_100, 48_000}; // MP3 has lower ones too
    private static final int BITRATE_KBPS = 64;
    /** Input bytes per call into LAME (its buffers are sized for 32 KiB). */
    private static final int SLICE_SAMPLES = 8_192;

    private final OutputStream out;
    private final AudioFilter toRate;
    private final LameEncoder lame;
    private final byte[] mp3;
    /** LAME's output until its first frame is complete (then null): the tag placeholder is dropped. */
    private java.io.ByteArrayOutputStream firstFrame = new java.io.ByteArrayOutputStream();

    Mp3Encoder(OutputStream out, int sourceRate) {
        this.out = out;
        int rate = encodedRate(sourceRate);
        this.toRate = Resampler.converting(sourceRate, rate);
        this.lame = new LameEncoder(new javax.sound.sampled.AudioFormat(rate, 16, 1, true, false), BITRATE_KBPS,
                LameEncoder.CHANNEL_MODE_MONO, LameEncoder.QUALITY_MIDDLE, false);
        this.mp3 = new byte[lame.getMP3BufferSize()];
    }

    /** The rate the MP3 has for a voice at {@code sourceRate}: the same when it is one of {@link #RATES}, else the next one up. */
    static int encodedRate(int sourceRate) {
        return OutputFormat.rateAtOrAbove(sourceRate, RATES);
    }

    @Override
    public void write(float[] s, int from, int to) throws IOException {
        float[] r = toRate.process(s, from, to - from);
        encode(r, 0, r.length);
    }

    private void encode(float[] s, int from, int to) throws IOException {
        for (int i = from; i < to; i += SLICE_SAMPLES) {
            byte[] pcm = Wav.encode(s, i, Math.min(to, i + SLICE_SAMPLES), SampleFormat.S16);
            int n = lame.encodeBuffer(pcm, 0, pcm.length, mp3);
            if (n < 0) {
                throw new IOException("the MP3 encoder failed (code " + n + ")");
            }
            emit(n);
        }
    }

    /** Writes {@code mp3[0, n)}, less the placeholder frame at the very start. */
    private void emit(int n) throws IOException {
        if (firstFrame == null) {
            out.write(mp3, 0, n);
            return;
        }
        firstFrame.write(mp3, 0, n);
        byte[] b = firstFrame.toByteArray();
        if (b.length < 4) {
            return;
        }
        int length = frameLength(b);
        if (b.length < length) {
            return;
        }
        firstFrame = null;
        boolean empty = length > 4;
        for (int i = 4; i < length && empty; i++) {
            empty = b[i] == 0;
        }
        int from = empty ? length : 0;
        out.write(b, from, b.length - from);
    }

    /** Bytes in the Layer III frame whose header starts {@code b} (constant bit rate, ours), or 4 if it is not one. */
    private static int frameLength(byte[] b) {
        if ((b[0] & 0xFF) != 0xFF || (b[1] & 0xE0) != 0xE0) {
            return 4;
        }
        boolean mpeg1 = (b[1] & 0x18) == 0x18;
        int[] rates = mpeg1 ? new int[] {44_100, 48_000, 32_000} : new int[] {22_050, 24_000, 16_000};
        int rateIndex = (b[2] >> 2) & 3;
        if (rateIndex == 3) {
            return 4;
        }
        int rate = (b[1] & 0x18) == 0 ? rates[rateIndex] / 2 : rates[rateIndex]; // MPEG-2.5 halves MPEG-2's
        return (mpeg1 ? 144 : 72) * BITRATE_KBPS * 1000 / rate + ((b[2] >> 1) & 1);
    }

    @Override
    public void finish() throws IOException {
        float[] rest = toRate.flush();
        encode(rest, 0, rest.length);
        int n = lame.encodeFinish(mp3);
        lame.close();
        emit(Math.max(0, n));
        if (firstFrame != null) {
            firstFrame.writeTo(out); // shorter than one frame: nothing to drop
        }
        out.flush();
    }
}

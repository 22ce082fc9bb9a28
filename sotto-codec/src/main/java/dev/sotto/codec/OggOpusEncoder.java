package dev.sotto.codec;

import dev.sotto.audio.AudioFilter;
import dev.sotto.audio.Resampler;
import dev.sotto.audio.Wav;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Opus in Ogg (RFC 7845) through Concentus (libopus in Java): mono, 32 kbit/s VBR tuned for voice, 20 ms packets.
 * The encoder runs at the Opus rate at or above the voice's (22.05 kHz is resampled to 24 kHz); granule
 * positions count 48 kHz samples as the format requires. The encoder's look-ahead is announced as pre-skip and
 * the last page's granule trims the padding of the final packet, so a decoder gives back exactly the input's
 * duration. Each {@link #write} sends the packets it completed as pages at once.
 */
final class OggOpusEncoder implements AudioEncoder {
    /** What Opus decoders produce, and the unit of Ogg Opus granule positions. */
    static final int DECODED_RATE = 48_000;
    private static final int[] OPUS_RATES = {8_000, 12_000, 16_000, 24_000, 48_000};
    private static final int BITRATE = 32_000;
    private static final int FRAME_MS = 20;
    /** Largest Opus packet (RFC 6716). */
    private static final int MAX_PACKET = 1275;

    private final OggPageWriter ogg;
    private final AudioFilter toRate;
    private final OpusEncoder opus;
    private final int rate;
    private final int sourceRate;
    private final int frame;          // samples per packet at the encoder's rate
    private final int preSkip;        // at 48 kHz
    private final short[] pending;
    private final byte[] packet = new byte[MAX_PACKET];
    private int filled;
    private boolean started;
    private byte[] held;              // the latest packet: the last one's granule is the end of the audio
    private long inputSamples;        // at the encoder's rate
    private long packets;

    OggOpusEncoder(OutputStream out, int sourceRate) {
        this.rate = opusRate(sourceRate);
        this.toRate = Resampler.converting(sourceRate, rate);
        try {
            this.opus = new OpusEncoder(rate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IllegalStateException("the Opus encoder refused " + rate + " Hz: " + e.getMessage(), e);
        }
        opus.setBitrate(BITRATE);
        opus.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
        opus.setUseVBR(true);
        this.frame = rate * FRAME_MS / 1000;
        this.pending = new short[frame];
        this.preSkip = opus.getLookahead() * (DECODED_RATE / rate);
        this.sourceRate = sourceRate;
        this.ogg = new OggPageWriter(out, ThreadLocalRandom.current().nextInt());
    }

    /** The two header packets, each on a page of its own as RFC 7845 requires. */
    private void start() throws IOException {
        started = true;
        ogg.add(head(sourceRate), 0);
        ogg.flush(false);
        ogg.add(tags(), 0);
        ogg.flush(false);
    }

    /** The Opus rate at or above the voice's. */
    static int opusRate(int sourceRate) {
        return OutputFormat.rateAtOrAbove(sourceRate, OPUS_RATES);
    }

    private byte[] head(int sourceRate) {
        return ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN).put("OpusHead".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1).put((byte) 1).putShort((short) preSkip).putInt(sourceRate).putShort((short) 0).put((byte) 0).array();
    }

    private static byte[] tags() {
        byte[] vendor = "sotto".getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN).put("OpusTags".getBytes(StandardCharsets.US_ASCII))
                .putInt(vendor.length).put(vendor).putInt(0).array();
    }

    @Override
    public void write(float[] s, int from, int to) throws IOException {
        if (!started) {
            start();
        }
        float[] r = toRate.process(s, from, to - from);
        queue(r, 0, r.length);
        ogg.flush(false);
    }

    private void queue(float[] s, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            pending[filled++] = Wav.toS16(s[i]);
            if (filled == frame) {
                encodePending();
            }
        }
        inputSamples += to - from;
    }

    private void encodePending() throws IOException {
        int n;
        try {
            n = opus.encode(pending, 0, frame, packet, 0, packet.length);
        } catch (OpusException e) {
            throw new IOException("the Opus encoder failed: " + e.getMessage(), e);
        }
        if (held != null) {
            ogg.add(held, packets * frame * (DECODED_RATE / rate));
        }
        held = Arrays.copyOf(packet, n);
        packets++;
        filled = 0;
    }

    @Override
    public void finish() throws IOException {
        if (!started) {
            start();
        }
        float[] rest = toRate.flush();
        queue(rest, 0, rest.length);
        // Pad with silence until the encoder has emitted every input sample past its look-ahead.
        long needed = inputSamples + preSkip / (DECODED_RATE / rate);
        while (packets * frame < needed || packets == 0) {
            Arrays.fill(pending, filled, frame, (short) 0);
            filled = frame;
            encodePending();
        }
        // The last packet's granule position marks where the audio ends; a decoder drops what lies beyond.
        ogg.add(held, preSkip + inputSamples * (DECODED_RATE / rate));
        held = null;
        ogg.flush(true);
    }
}

package dev.sotto.server;

import dev.sotto.audio.Resampler;
import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Wav;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Streams audio in a response format as chunks arrive. {@code wav}: 16-bit PCM at the voice's rate, with the
 * header's sizes set to the streaming placeholder 0xFFFFFFFF (the length is not known when the header leaves;
 * players read to the end). {@code pcm}: raw s16le mono at 24 kHz, as OpenAI's clients assume, resampled with
 * the band-limited {@link Resampler}.
 */
abstract class AudioEncoder {
    /** Formats served. */
    static final List<String> FORMATS = List.of("wav", "pcm");
    /** OpenAI's rate for pcm. */
    static final int PCM_RATE = 24_000;

    static AudioEncoder forFormat(String format, int sampleRate) {
        return switch (format) {
            case "wav" -> new WavEncoder(sampleRate);
            case "pcm" -> new PcmEncoder(sampleRate);
            default -> throw new IllegalArgumentException(format);
        };
    }

    static String contentType(String format) {
        return format.equals("wav") ? "audio/wav" : "audio/pcm";
    }

    abstract void begin(OutputStream out) throws IOException;

    abstract void write(OutputStream out, float[] samples) throws IOException;

    abstract void finish(OutputStream out) throws IOException;

    private static final class WavEncoder extends AudioEncoder {
        private final int rate;

        WavEncoder(int rate) {
            this.rate = rate;
        }

        @Override
        void begin(OutputStream out) throws IOException {
            byte[] h = Wav.header(rate, SampleFormat.S16, 0);
            // RIFF size (offset 4) and data size (offset 40): unknown while streaming.
            for (int i : new int[] {4, 40}) {
                h[i] = h[i + 1] = h[i + 2] = h[i + 3] = (byte) 0xFF;
            }
            out.write(h);
        }

        @Override
        void write(OutputStream out, float[] samples) throws IOException {
            out.write(Wav.encode(samples, 0, samples.length, SampleFormat.S16));
        }

        @Override
        void finish(OutputStream out) {
        }
    }

    private static final class PcmEncoder extends AudioEncoder {
        private final Resampler resampler;

        PcmEncoder(int rate) {
            this.resampler = rate == PCM_RATE ? null : Resampler.ofRates(rate, PCM_RATE);
        }

        @Override
        void begin(OutputStream out) {
        }

        @Override
        void write(OutputStream out, float[] samples) throws IOException {
            float[] s = resampler == null ? samples : resampler.process(samples, 0, samples.length);
            out.write(Wav.encode(s, 0, s.length, SampleFormat.S16));
        }

        @Override
        void finish(OutputStream out) throws IOException {
            if (resampler != null) {
                float[] s = resampler.flush();
                out.write(Wav.encode(s, 0, s.length, SampleFormat.S16));
            }
        }
    }
}

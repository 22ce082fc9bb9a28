package dev.sotto.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.audio.Wav;
import dev.sotto.testing.Ffmpeg;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every output format against an independent decoder (ffmpeg), plus what can be checked without one. */
class OutputFormatTest {
    @TempDir
    Path dir;

    /** 2.5 s of something like speech: voiced stretches with a gliding pitch, noise bursts, silences. */
    static float[] speechLike(int rate, double seconds, long seed) {
        Random r = new Random(seed);
        float[] s = new float[(int) Math.round(rate * seconds)];
        double phase = 0;
        for (int i = 0; i < s.length; i++) {
            double t = i / (double) rate;
            double segment = (t * 3) % 3; // voiced, fricative, silence
            double f0 = 110 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * f0 / rate;
            double v = 0;
            if (segment < 1.6) {
                for (int h = 1; h <= 12 && h * f0 < rate / 2.0; h++) {
                    v += Math.sin(h * phase) / h;
                }
                v *= 0.25;
            } else if (segment < 2.2) {
                v = 0.08 * r.nextGaussian();
            }
            s[i] = (float) v;
        }
        return s;
    }

    /** Feeds the encoder in uneven pieces (empty and one-sample ones too), as synthesis does. */
    static void feed(AudioEncoder e, float[] s) throws IOException {
        int[] sizes = {0, 1, 977, 4096, 12_345, 3, 8_192};
        int i = 0;
        for (int k = 0; i < s.length; k++) {
            int n = Math.min(sizes[k % sizes.length], s.length - i);
            e.write(s, i, i + n);
            i += n;
        }
        e.finish();
    }

    static byte[] encode(OutputFormat f, float[] s, int rate, boolean seekable) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioEncoder e = f.encoder(out, rate);
        feed(e, s);
        byte[] b = out.toByteArray();
        byte[] header = e.finalHeader();
        if (seekable && header != null) {
            System.arraycopy(header, 0, b, 0, header.length);
        }
        return b;
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void everyFormatDecodesToTheDurationItWasGiven(OutputFormat f) throws Exception {
        Ffmpeg.require();
        for (int rate : new int[] {22_050, 24_000, 16_000}) {
            float[] s = speechLike(rate, 2.5, 1);
            for (boolean seekable : new boolean[] {true, false}) {
                Path file = dir.resolve("x-" + rate + "-" + seekable + "." + f.extensions().getFirst());
                Files.write(file, encode(f, s, rate, seekable));
                double seconds = f == OutputFormat.PCM ? pcmSeconds(file) : Ffmpeg.seconds(file);
                double tolerance = Math.max(0.01 * 2.5, 0.1);
                assertEquals(2.5, seconds, tolerance, f + " at " + rate + " Hz" + (seekable ? "" : ", streamed"));
            }
        }
    }

    /** Raw PCM has no header for ffmpeg to read: it is told the format, as a client is. */
    private static double pcmSeconds(Path file) throws IOException {
        return Files.size(file) / 2.0 / OutputFormat.PCM_RATE;
    }

    @Test
    void flacIsLosslessAndItsHeaderIsCompletedForFiles() throws Exception {
        Ffmpeg.require();
        float[] s = speechLike(22_050, 2.5, 2);
        s[100] = 3f; // clipped like every 16-bit output
        s[200] = Float.NaN;
        Path file = dir.resolve("x.flac");
        Files.write(file, encode(OutputFormat.FLAC, s, 22_050, true));
        short[] decoded = Ffmpeg.decode(file, 0);
        short[] expected = new short[s.length];
        for (int i = 0; i < s.length; i++) {
            expected[i] = Wav.toS16(s[i]);
        }
        assertArrayEquals(expected, decoded);
        ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(file), 0, FlacEncoder.HEADER_BYTES);
        long totalSamples = h.getLong(18) & 0xF_FFFF_FFFFL; // 36 bits after rate, channels and depth
        assertEquals(s.length, totalSamples);
        // Lossless compression of this signal is worth having: well under the 16 bits per sample of WAV.
        assertTrue(Files.size(file) < s.length * 2 * 0.7, "FLAC of " + Files.size(file) + " bytes for " + s.length + " samples");
    }

    @Test
    void lossyFormatsKeepTheSignal() throws Exception {
        Ffmpeg.require();
        int rate = 24_000;
        float[] s = speechLike(rate, 2.5, 3);
        for (OutputFormat f : new OutputFormat[] {OutputFormat.MP3, OutputFormat.OPUS}) {
            Path file = dir.resolve("x." + f.id());
            Files.write(file, encode(f, s, rate, true));
            short[] d = Ffmpeg.decode(file, rate);
            // Best alignment within 0.1 s (MP3 keeps the encoder's delay), then the level and the correlation.
            double best = 0;
            for (int lag = 0; lag < rate / 10 && lag < d.length; lag++) {
                best = Math.max(best, correlation(s, d, lag));
            }
            assertTrue(best > 0.9, f + ": correlation with the input " + best);
            double inRms = rms(s, 0, s.length);
            double outRms = 0;
            for (short v : d) {
                outRms += (v / 32767.0) * (v / 32767.0);
            }
            outRms = Math.sqrt(outRms / d.length);
            assertEquals(0, 20 * Math.log10(outRms / inRms), 1.0, f + ": level in dB against the input");
        }
    }

    private static double correlation(float[] a, short[] b, int lag) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length && i + lag < b.length; i++) {
            double y = b[i + lag] / 32767.0;
            ab += a[i] * y;
            aa += a[i] * a[i];
            bb += y * y;
        }
        return ab / Math.sqrt(aa * bb + 1e-30);
    }

    private static double rms(float[] s, int from, int to) {
        double e = 0;
        for (int i = from; i < to; i++) {
            e += s[i] * s[i];
        }
        return Math.sqrt(e / (to - from));
    }

    @Test
    void oggOpusPagesFollowRfc7845() throws IOException {
        int rate = 22_050;
        float[] s = speechLike(rate, 2.5, 4);
        byte[] b = encode(OutputFormat.OPUS, s, rate, false);
        int pos = 0;
        int page = 0;
        long lastGranule = -1;
        int preSkip = 0;
        int flagsOfLast = 0;
        while (pos < b.length) {
            ByteBuffer p = ByteBuffer.wrap(b, pos, b.length - pos).slice().order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("OggS", new String(b, pos, 4, java.nio.charset.StandardCharsets.US_ASCII), "page " + page);
            int flags = p.get(5);
            long granule = p.getLong(6);
            assertEquals(page, p.getInt(18), "page sequence");
            int segments = p.get(26) & 0xFF;
            int body = 0;
            for (int k = 0; k < segments; k++) {
                body += p.get(27 + k) & 0xFF;
            }
            int length = 27 + segments + body;
            byte[] copy = Arrays.copyOfRange(b, pos, pos + length);
            int crc = ByteBuffer.wrap(copy, 22, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            Arrays.fill(copy, 22, 26, (byte) 0);
            assertEquals(crc, OggPageWriter.crc(copy), "CRC of page " + page);
            String start = new String(b, pos + 27 + segments, Math.min(8, body), java.nio.charset.StandardCharsets.US_ASCII);
            if (page == 0) {
                assertEquals(OggPageWriter.FLAG_BEGIN, flags);
                assertEquals("OpusHead", start);
                preSkip = p.getShort(27 + segments + 10) & 0xFFFF;
                assertEquals(rate, p.getInt(27 + segments + 12), "input rate kept in OpusHead");
            } else if (page == 1) {
                assertEquals("OpusTags", start);
                assertEquals(0, granule);
            } else {
                assertTrue(granule >= lastGranule, "granule positions never go back");
            }
            lastGranule = granule;
            flagsOfLast = flags;
            pos += length;
            page++;
        }
        assertTrue(page > 3);
        assertEquals(OggPageWriter.FLAG_END, flagsOfLast & OggPageWriter.FLAG_END);
        // 22,050 Hz is encoded at 24 kHz; granules count 48 kHz samples from the pre-skip on.
        long resampled = Math.round(s.length * 24_000.0 / 22_050);
        assertEquals(preSkip + 2 * resampled, lastGranule, 2.0 * 2, "the last granule ends the audio exactly");
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void audioLeavesBeforeTheEnd(OutputFormat f) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioEncoder e = f.encoder(out, 22_050);
        float[] s = speechLike(22_050, 1.0, 5);
        e.write(s, 0, s.length);
        int afterOneSecond = out.size();
        e.finish();
        assertTrue(afterOneSecond > out.size() / 2, f + ": " + afterOneSecond + " of " + out.size() + " bytes out after the first second");
    }

    @Test
    void formatsByNameAndFileExtension() {
        assertEquals(OutputFormat.OPUS, OutputFormat.byName("ogg"));
        assertEquals(OutputFormat.MP3, OutputFormat.byName("MP3"));
        assertNull(OutputFormat.byName("aac"));
        assertEquals(OutputFormat.FLAC, OutputFormat.forFile(Path.of("a/b.x.flac")));
        assertEquals(OutputFormat.OPUS, OutputFormat.forFile(Path.of("b.opus")));
        assertNull(OutputFormat.forFile(Path.of("noext")));
        assertEquals("wav, mp3, opus, flac, pcm", OutputFormat.names());
        assertNotNull(OutputFormat.WAV.encoder(OutputStream.nullOutputStream(), 22_050));
        assertEquals(24_000, OutputFormat.PCM.outputRate(22_050));
        assertEquals(22_050, OutputFormat.MP3.outputRate(22_050));
        assertEquals(22_050, OutputFormat.MP3.outputRate(16_000));
        assertEquals(48_000, OutputFormat.OPUS.outputRate(22_050));
    }

    @Test
    void encodersRunInParallelWithoutSharingState() throws Exception {
        float[] s = speechLike(22_050, 2.0, 6);
        for (OutputFormat f : new OutputFormat[] {OutputFormat.MP3, OutputFormat.FLAC}) {
            byte[] alone = encode(f, s, 22_050, true);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                Future<?>[] runs = new Future<?>[4];
                for (int k = 0; k < runs.length; k++) {
                    runs[k] = pool.submit(() -> encode(f, s, 22_050, true));
                }
                for (Future<?> r : runs) {
                    assertArrayEquals(alone, (byte[]) r.get(), f + " encoded on four threads at once");
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}

package dev.sotto.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Decodes audio files with ffmpeg (Debian's package): an independent decoder for the formats sotto writes. Tests that
 * use it fail when ffmpeg is missing (scripts/test installs it), unless {@code -Dsotto.skipFfmpeg=true} skips them.
 */
public final class Ffmpeg {
    private Ffmpeg() {
    }

    /** Skips the test on request, fails it when ffmpeg is not installed. */
    public static void require() {
        Assumptions.assumeFalse(Boolean.getBoolean("sotto.skipFfmpeg"), "ffmpeg decoding skipped on request (-Dsotto.skipFfmpeg=true)");
        try {
            Process p = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // reported below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fail("ffmpeg is needed to decode the encoded formats: apt-get install ffmpeg (or run with -Dsotto.skipFfmpeg=true)");
    }

    /** The file decoded to mono s16le samples, at {@code rate} Hz (ffmpeg resamples), or at its own rate when rate is 0. */
    public static short[] decode(Path file, int rate) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", file.toString(), "-ac", "1"));
        if (rate > 0) {
            cmd.addAll(List.of("-ar", String.valueOf(rate)));
        }
        Path raw = Files.createTempFile("sotto-ffmpeg-", ".s16");
        try {
            cmd.addAll(List.of("-f", "s16le", "-y", raw.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("ffmpeg did not finish decoding " + file);
            }
            assertEquals(0, p.exitValue(), "ffmpeg could not decode " + file + ": " + log);
            assertEquals("", log.strip(), "ffmpeg complained while decoding " + file);
            byte[] b = Files.readAllBytes(raw);
            short[] s = new short[b.length / 2];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
            }
            return s;
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    /** The decoded duration in seconds (decoded at 48 kHz). */
    public static double seconds(Path file) throws IOException, InterruptedException {
        return decode(file, 48_000).length / 48_000.0;
    }
}

package dev.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.api.Voice;
import dev.sotto.onnx.testing.PiperFixtures;
import dev.sotto.server.ServerConfig;
import dev.sotto.server.SpeechServer;
import dev.sotto.server.VoiceRegistry;
import dev.sotto.tensor.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.SourceDataLine;
import org.junit.jupiter.api.Assumptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code say} handing a sentence to a running server of the same voice, and every case where it must not. */
class LocalServersTest {
    @TempDir
    Path dir;

    private String oldHome;
    private Path voiceFile;
    private VoiceRegistry voices;
    private SpeechServer server;

    @BeforeEach
    void start() throws IOException {
        oldHome = System.getProperty("sotto.home");
        System.setProperty("sotto.home", dir.resolve("home").toString());
        voiceFile = PiperFixtures.gguf("tiny-r2", GgmlType.Q8_0, dir.resolve("tiny.gguf"));
        voices = new VoiceRegistry().add("tiny", Voice.load(voiceFile));
        server = new SpeechServer(ServerConfig.defaults().withPort(0), voices).start();
    }

    @AfterEach
    void stop() {
        server.close();
        voices.close();
        if (oldHome == null) {
            System.clearProperty("sotto.home");
        } else {
            System.setProperty("sotto.home", oldHome);
        }
    }

    @Test
    void aSentenceForAFileGoesToTheRunningServer() throws IOException {
        LocalServers.announce(server.port(), Map.of("tiny", voiceFile), false);
        Path wav = dir.resolve("out.wav");
        SottoCliTest.Result r = SottoCliTest.run("say", "-m", voiceFile.toString(), "-o", wav.toString(), "--speed", "1.2", "Hello there.");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("spoken by the sotto server at http://127.0.0.1:" + server.port()), r.out());
        // The streamed header's placeholders were replaced by the real sizes.
        byte[] b = Files.readAllBytes(wav);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(b.length - 8, h.getInt(4));
        assertEquals(b.length - 44, h.getInt(40));
        assertTrue(b.length - 44 > 2 * 8000, "some speech: " + b.length);

        Path mp3 = dir.resolve("out.mp3");
        r = SottoCliTest.run("say", "-m", voiceFile.toString(), "-o", mp3.toString(), "Hello there.");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("spoken by the sotto server"), r.out());
        assertTrue(Files.size(mp3) > 1000);
    }

    /**
     * Speech requests the server has had, whatever their status (a client that stops reading early, as the player
     * without an audio output does, may be counted as gone rather than 200), from its metrics.
     */
    private long speechRequests() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("sotto_requests_total\\{endpoint=\"/v1/audio/speech\",status=\"\\d+\"} (\\d+)").matcher(metrics);
            long n = 0;
            while (m.find()) {
                n += Long.parseLong(m.group(1));
            }
            return n;
        }
    }

    /** {@link #speechRequests()} once it reaches {@code expected} (the server counts a request after its answer ends), or after 10 s. */
    private long speechRequestsReaching(long expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long n = speechRequests();
        while (n < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            n = speechRequests();
        }
        return n;
    }

    /** Runs the CLI with stdout captured as bytes (the streamed paths write audio there). */
    private static byte[] stdoutOf(String... args) {
        PrintStream before = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true));
        try {
            SottoCliTest.Result r = SottoCliTest.run(args);
            assertEquals(0, r.code(), r.err());
        } finally {
            System.setOut(before);
        }
        return stdout.toByteArray();
    }

    @Test
    void streamedSpeechGoesToTheRunningServerToo() throws IOException, InterruptedException {
        LocalServers.announce(server.port(), Map.of("tiny", voiceFile), false);
        long before = speechRequests();
        byte[] wav = stdoutOf("say", "-m", voiceFile.toString(), "--format", "wav", "Hello there.");
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.ISO_8859_1));
        assertTrue(wav.length - 44 > 2 * 8000, "some speech: " + wav.length);
        byte[] raw = stdoutOf("say", "-m", voiceFile.toString(), "--raw", "Hello there.");
        assertArrayEquals(Arrays.copyOfRange(wav, 44, wav.length), raw, "--raw is the WAV's samples, header dropped");
        byte[] mp3 = stdoutOf("say", "-m", voiceFile.toString(), "--format", "mp3", "Hello there.");
        assertTrue(mp3.length > 1000 && (mp3[0] & 0xff) == 0xff, "an MP3 frame first");
        assertEquals(before + 3, speechRequestsReaching(before + 3), "all three were spoken by the server");

        // Playing needs an audio output; without one (CI), the hand-off says so as speaking locally would.
        Assumptions.assumeFalse(AudioSystem.isLineSupported(new DataLine.Info(SourceDataLine.class,
                new AudioFormat(22050, 16, 1, true, false))), "this machine has an audio output");
        SottoCliTest.Result r = SottoCliTest.run("say", "-m", voiceFile.toString(), "Hello there.");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("no audio output is available for playback"), r.err());
        assertEquals(before + 4, speechRequestsReaching(before + 4));
    }

    /** Pitch, style and SSML travel with the text; the server applies them (the same seed without them sounds otherwise). */
    @Test
    void pitchStyleAndSsmlAreCarried() throws IOException {
        LocalServers.announce(server.port(), Map.of("tiny", voiceFile), false);
        Path plain = dir.resolve("plain.wav");
        Path shifted = dir.resolve("shifted.wav");
        Path ssml = dir.resolve("ssml.wav");
        String v = voiceFile.toString();
        for (String[] args : new String[][] {{"say", "-m", v, "-o", plain.toString(), "Hello there."},
                {"say", "-m", v, "-o", shifted.toString(), "--pitch", "3", "--emotion", "calm", "Hello there."},
                {"say", "-m", v, "-o", ssml.toString(), "--ssml", "<speak>Hello <break time=\"700ms\"/> there.</speak>"}}) {
            SottoCliTest.Result r = SottoCliTest.run(args);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("spoken by the sotto server"), String.join(" ", args) + ": " + r.out());
        }
        assertTrue(!Arrays.equals(Files.readAllBytes(plain), Files.readAllBytes(shifted)), "pitch and style change the audio");
        assertTrue(longestSilence(ssml) >= 0.6, "the break is a pause, not read out: " + longestSilence(ssml) + " s");
        assertTrue(longestSilence(plain) < 0.6, "no such pause without it: " + longestSilence(plain) + " s");
    }

    /** The longest run of digital silence (|sample| <= 1) in a 16-bit mono WAV, in seconds. */
    private static double longestSilence(Path wav) throws IOException {
        byte[] b = Files.readAllBytes(wav);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int rate = h.getInt(24);
        int run = 0;
        int longest = 0;
        for (int i = 44; i + 1 < b.length; i += 2) {
            run = Math.abs(h.getShort(i)) <= 1 ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return (double) longest / rate;
    }

    @Test
    void anythingTheServerCannotCarrySpeaksLocally() throws IOException {
        LocalServers.announce(server.port(), Map.of("tiny", voiceFile), false);
        Path wav = dir.resolve("out.wav");
        for (String[] extra : new String[][] {{"--variation", "0.5"}, {"--no-server"}, {"--volume", "-3"}}) {
            String[] args = new String[6 + extra.length];
            System.arraycopy(new String[] {"say", "-m", voiceFile.toString(), "-o", wav.toString()}, 0, args, 0, 5);
            System.arraycopy(extra, 0, args, 5, extra.length);
            args[args.length - 1] = "Hello there.";
            SottoCliTest.Result r = SottoCliTest.run(args);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("sentence(s)") && !r.out().contains("server"), String.join(" ", extra) + ": " + r.out());
        }
    }

    @Test
    void otherVoicesGoneServersAndKeysWithoutOneAreNotUsed() throws IOException, InterruptedException {
        Path other = Files.copy(voiceFile, dir.resolve("other.gguf"));
        LocalServers.announce(server.port(), Map.of("tiny", voiceFile), false);
        assertNull(LocalServers.find(other), "a voice the server does not have");
        assertEquals("tiny", LocalServers.find(voiceFile).voice());

        // An announcement left by a process that has ended.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path file = LocalServers.directory().resolve(ProcessHandle.current().pid() + ".json");
        Files.writeString(file, Files.readString(file).replaceFirst("\"pid\":\\d+", "\"pid\":" + gone.pid()));
        assertNull(LocalServers.find(voiceFile), "a server whose process is gone");

        // A server that needs a key, with none in the environment: say speaks itself (the key is never guessed).
        LocalServers.announce(server.port(), Map.of("tiny", voiceFile), true);
        if (System.getenv("SOTTO_API_KEY") == null) {
            LocalServers.Found found = LocalServers.find(voiceFile);
            assertTrue(found.keyRequired());
            LocalServers.Speech hello = new LocalServers.Speech("Hello.", 1f, 0f, "neutral", false);
            assertTrue(!LocalServers.speakToFile(found, hello, dev.sotto.codec.OutputFormat.WAV, dir.resolve("k.wav")));
            assertTrue(Files.notExists(dir.resolve("k.wav")));
        }
        // Garbage in the directory is ignored.
        Files.writeString(LocalServers.directory().resolve("junk.json"), "{not json");
        assertEquals("tiny", LocalServers.find(voiceFile).voice());
    }
}

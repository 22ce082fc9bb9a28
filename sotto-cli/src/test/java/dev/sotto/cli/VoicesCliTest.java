package dev.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sotto.api.Voice;
import dev.sotto.server.ServerConfig;
import dev.sotto.server.SpeechServer;
import dev.sotto.server.VoiceRegistry;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sotto voices list/download/remove, installed voice names for -m, and say's cloud policies (local servers only). */
class VoicesCliTest {
    @TempDir
    Path dir;
    private HttpServer repo;
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        System.setProperty("sotto.home", dir.resolve("home").toString());
        byte[] onnx = Files.readAllBytes(SottoCliTest.voice("tiny-r2"));
        byte[] config = Files.readAllBytes(SottoCliTest.voice("tiny-r2").resolveSibling("tiny-r2.onnx.json"));
        String base = "en/en_US/tiny/low/en_US-tiny-low";
        String catalog = "{\"en_US-tiny-low\":{\"key\":\"en_US-tiny-low\",\"name\":\"tiny\",\"language\":{\"code\":\"en_US\"},\"quality\":\"low\","
                + "\"num_speakers\":1,\"aliases\":[],\"files\":{\"" + base + ".onnx\":{\"size_bytes\":" + onnx.length + ",\"md5_digest\":\""
                + md5(onnx) + "\"},\"" + base + ".onnx.json\":{\"size_bytes\":" + config.length + ",\"md5_digest\":\"" + md5(config) + "\"}}}}";
        // The default voice, played by the tiny fixture, with a model card naming a licence.
        String lessac = "en/en_US/lessac/medium/en_US-lessac-medium";
        byte[] card = "# Model card for lessac (medium)\n\n## Dataset\n\n* URL: https://example.org/lessac\n* License: https://example.org/licence\n"
                .getBytes(StandardCharsets.UTF_8);
        catalog = catalog.substring(0, catalog.length() - 1) + ",\"en_US-lessac-medium\":{\"key\":\"en_US-lessac-medium\",\"name\":\"lessac\","
                + "\"language\":{\"code\":\"en_US\"},\"quality\":\"medium\",\"num_speakers\":1,\"aliases\":[],\"files\":{\"" + lessac
                + ".onnx\":{\"size_bytes\":" + onnx.length + ",\"md5_digest\":\"" + md5(onnx) + "\"},\"" + lessac + ".onnx.json\":{\"size_bytes\":"
                + config.length + ",\"md5_digest\":\"" + md5(config) + "\"},\"en/en_US/lessac/medium/MODEL_CARD\":{\"size_bytes\":" + card.length
                + ",\"md5_digest\":\"" + md5(card) + "\"}}}}";
        Map<String, byte[]> files = Map.of("/voices.json", catalog.getBytes(StandardCharsets.UTF_8), "/" + base + ".onnx", onnx,
                "/" + base + ".onnx.json", config, "/" + lessac + ".onnx", onnx, "/" + lessac + ".onnx.json", config,
                "/en/en_US/lessac/medium/MODEL_CARD", card);
        repo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        repo.createContext("/", ex -> {
            requests.incrementAndGet();
            byte[] b = files.get(ex.getRequestURI().getPath());
            ex.sendResponseHeaders(b == null ? 404 : 200, b == null ? -1 : b.length);
            if (b != null) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(b);
                }
            }
            ex.close();
        });
        repo.start();
    }

    @AfterEach
    void stop() {
        repo.stop(0);
        System.clearProperty("sotto.home");
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private String url() {
        return "http://127.0.0.1:" + repo.getAddress().getPort();
    }

    /** {@code sotto say} as a new user runs it, in a fresh JVM with the environment it reads. */
    private SottoCliTest.Result sayInAFreshJvm(Map<String, String> env, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dsotto.home=" + dir.resolve("home"),
                "-cp", System.getProperty("java.class.path"), "dev.sotto.cli.SottoCli", "say"));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("err.txt").toFile()).redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().remove("SOTTO_OFFLINE");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "sotto say did not finish");
        String err = Files.readString(dir.resolve("err.txt")).replaceFirst("^WARNING: Using incubator modules.*\\R", ""); // as ./sotto does
        return new SottoCliTest.Result(p.exitValue(), Files.readString(dir.resolve("out.txt")), err);
    }

    @Test
    void theFirstSayInstallsTheDefaultVoiceAndSpeaks() throws Exception {
        Path wav = dir.resolve("hello.wav");
        SottoCliTest.Result r = sayInAFreshJvm(Map.of("SOTTO_VOICES_URL", url()), "-o", wav.toString(), "Hello, I am running locally on your device.");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("Downloading the default English voice, en_US-lessac-medium (Piper, medium quality, ")
                && r.err().contains("licence: https://example.org/licence) from " + url()), r.err());
        assertTrue(Files.size(wav) > 10_000, "speech written: " + Files.size(wav));
        assertTrue(Files.isRegularFile(dir.resolve("home/voices/en_US-lessac-medium.gguf")), "installed as voices download does");
        int before = requests.get();
        SottoCliTest.Result again = sayInAFreshJvm(Map.of("SOTTO_VOICES_URL", url()), "-o", wav.toString(), "Hello again.");
        assertEquals(0, again.code(), again.err());
        assertEquals(before, requests.get(), "the installed voice is used; nothing downloaded");
        assertFalse(again.err().contains("Downloading"), again.err());
    }

    @Test
    void offlineNeverDownloadsAndSaysHowToInstall() throws Exception {
        Path wav = dir.resolve("hello.wav");
        SottoCliTest.Result r = sayInAFreshJvm(Map.of("SOTTO_VOICES_URL", url(), "SOTTO_OFFLINE", "1"), "-o", wav.toString(), "Hello.");
        assertEquals(1, r.code());
        assertEquals(0, requests.get(), "no request reached the catalog");
        assertFalse(Files.exists(wav));
        assertFalse(Files.exists(dir.resolve("home/voices/en_US-lessac-medium.gguf")));
        String message = r.err().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("offline") && message.contains("'sotto voices download en_US-lessac-medium'"), message);
        // Without network (nothing listens at the catalog's address): one line that says what to do.
        int port = repo.getAddress().getPort();
        repo.stop(0);
        SottoCliTest.Result down = sayInAFreshJvm(Map.of("SOTTO_VOICES_URL", "http://127.0.0.1:" + port), "-o", wav.toString(), "Hello.");
        assertEquals(1, down.code());
        assertEquals(1, down.err().strip().lines().count(), down.err());
        assertTrue(down.err().contains("cannot reach http://127.0.0.1:" + port) && down.err().contains("Once online"), down.err());
        assertFalse(Files.exists(wav));
    }

    @Test
    void listDownloadUseAndRemoveAVoice() throws Exception {
        SottoCliTest.Result none = SottoCliTest.run("say", "--offline", "-o", dir.resolve("x.wav").toString(), "Hello.");
        assertEquals(1, none.code());
        assertTrue(none.err().contains("sotto voices download en_US-lessac-medium"), none.err());
        SottoCliTest.Result list = SottoCliTest.run("voices", "list", "--base-url", url(), "--lang", "en");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().startsWith("en_US-lessac-medium") && list.out().contains("\nen_US-tiny-low") && !list.out().contains("installed"),
                list.out());
        SottoCliTest.Result get = SottoCliTest.run("voices", "download", "en_US-tiny-low", "--base-url", url(), "--type", "q8_0");
        assertEquals(0, get.code(), get.err());
        assertTrue(get.out().contains("installed en_US-tiny-low (q8_0)"), get.out());
        assertTrue(SottoCliTest.run("voices", "list", "--base-url", url()).out().contains("installed"));
        assertTrue(SottoCliTest.run("voices", "list", "--installed").out().startsWith("en_US-tiny-low"));
        Path wav = dir.resolve("named.wav");
        SottoCliTest.Result byName = SottoCliTest.run("say", "-m", "en_US-tiny-low", "--phonemizer", "java", "-o", wav.toString(), "Hello.");
        assertEquals(0, byName.code(), byName.err());
        assertTrue(Files.size(wav) > 1000);
        SottoCliTest.Result byDefault = SottoCliTest.run("say", "--phonemizer", "java", "-o", wav.toString(), "Hello again.");
        assertEquals(0, byDefault.code(), byDefault.err());
        SottoCliTest.Result unknown = SottoCliTest.run("say", "-m", "no-such-voice", "-o", wav.toString(), "Hi.");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("no installed voice by that name"), unknown.err());
        assertEquals(1, SottoCliTest.run("voices", "download", "../../etc", "--base-url", url()).code());
        assertEquals(0, SottoCliTest.run("voices", "remove", "en_US-tiny-low").code());
        assertEquals(1, SottoCliTest.run("voices", "remove", "en_US-tiny-low").code());
        SottoCliTest.Result offline = SottoCliTest.run("voices", "list", "--base-url", "http://127.0.0.1:9");
        assertEquals(1, offline.code());
        assertTrue(offline.err().contains("cannot reach"), offline.err());
        assertTrue(offline.out().contains("pocket-english_2026-04"), "the Pocket TTS variants are listed offline: " + offline.out());
    }

    @Test
    void sayFallsBackByPolicy() throws Exception {
        Path voice = SottoCliTest.voice("tiny-r2");
        Path wav = dir.resolve("cloud.wav");
        // Cloud-first with the cloud down: the local voice speaks, and the fallback is reported.
        SottoCliTest.Result down = SottoCliTest.run("say", "-m", voice.toString(), "--phonemizer", "java", "--cloud", "http://127.0.0.1:9/v1",
                "--policy", "cloud-first", "-o", wav.toString(), "Hello.");
        assertEquals(0, down.code(), down.err());
        assertTrue(down.err().contains("instead of cloud:http://127.0.0.1:9/v1") && down.err().contains("unreachable"), down.err());
        // Cloud-first with sotto's own server as the cloud: 24 kHz audio from it.
        try (VoiceRegistry v = new VoiceRegistry().add("tiny", Voice.load(voice));
             SpeechServer server = new SpeechServer(ServerConfig.defaults().withPort(0), v).start()) {
            SottoCliTest.Result up = SottoCliTest.run("say", "--cloud", "http://127.0.0.1:" + server.port() + "/v1", "--cloud-voice", "tiny",
                    "--policy", "cloud-first", "-o", wav.toString(), "Hello from the cloud.");
            assertEquals(0, up.code(), up.err());
            byte[] header = Files.readAllBytes(wav);
            assertEquals(24000, (header[24] & 0xFF) | (header[25] & 0xFF) << 8 | (header[26] & 0xFF) << 16);
            // Local-first with no voice installed: the cloud speaks, and says why.
            SottoCliTest.Result missing = SottoCliTest.run("say", "--cloud", "http://127.0.0.1:" + server.port() + "/v1", "--cloud-voice",
                    "tiny", "--policy", "local-first", "-o", wav.toString(), "Hello.");
            assertEquals(0, missing.code(), missing.err());
            assertTrue(missing.err().contains("no local voice"), missing.err());
            // Local-first with a -m that does not exist or is not a voice: the cloud speaks, each reason said once.
            Path corrupt = dir.resolve("corrupt.gguf");
            Files.writeString(corrupt, "not a voice");
            for (String m : new String[] {dir.resolve("absent.gguf").toString(), corrupt.toString(), "no-such-voice"}) {
                SottoCliTest.Result r = SottoCliTest.run("say", "-m", m, "--cloud", "http://127.0.0.1:" + server.port() + "/v1",
                        "--cloud-voice", "tiny", "--policy", "local-first", "-o", wav.toString(), "Hello.");
                assertEquals(0, r.code(), m + ": " + r.err());
                assertTrue(r.err().contains("the local voice cannot be used"), r.err());
                assertEquals(1, r.err().lines().filter(l -> l.contains("instead of")).count(), "the fallback said once: " + r.err());
            }
            // --cloud without --policy is local-first, and says so.
            SottoCliTest.Result implicit = SottoCliTest.run("say", "-m", voice.toString(), "--phonemizer", "java", "--cloud",
                    "http://127.0.0.1:" + server.port() + "/v1", "-o", wav.toString(), "Hello.");
            assertEquals(0, implicit.code(), implicit.err());
            assertTrue(implicit.err().contains("--cloud without --policy: local-first"), implicit.err());
        }
        SottoCliTest.Result noCloud = SottoCliTest.run("say", "-m", voice.toString(), "--policy", "local-first", "-o", wav.toString(), "Hi.");
        assertEquals(1, noCloud.code());
        assertTrue(noCloud.err().contains("needs --cloud URL"), noCloud.err());
        SottoCliTest.Result badPolicy = SottoCliTest.run("say", "-m", voice.toString(), "--policy", "sometimes", "-o", wav.toString(), "Hi.");
        assertEquals(2, badPolicy.code());
    }
}

package dev.sotto.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sotto.api.AudioStream;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Synthesizer;
import dev.sotto.api.Voice;
import dev.sotto.onnx.testing.PiperFixtures;
import dev.sotto.server.ServerConfig;
import dev.sotto.server.SpeechServer;
import dev.sotto.server.VoiceRegistry;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hybrid policies against a local stub of an OpenAI-style service, and against sotto's own server as the cloud. */
class HybridSynthesizerTest {
    private static final SynthesisOptions OPTIONS = SynthesisOptions.builder().phonemizer("java").build();

    @TempDir
    static Path dir;
    private static Voice local;
    private static HttpServer stub;
    /** What the stub does next: "ok", "500", "429", "slow". */
    private static final AtomicReference<String> mode = new AtomicReference<>("ok");
    private static final AtomicInteger stubHits = new AtomicInteger();

    @BeforeAll
    static void setUp() throws IOException {
        local = Voice.load(PiperFixtures.gguf("tiny-r2", GgmlType.Q8_0, dir.resolve("tiny.gguf")));
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        stub.createContext("/v1/audio/speech", ex -> {
            stubHits.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            switch (mode.get()) {
                case "500" -> respond(ex, 500, "{\"error\":{\"message\":\"upstream exploded\"}}".getBytes());
                case "429" -> respond(ex, 429, "{\"error\":{\"message\":\"slow down\"}}".getBytes());
                case "slow" -> {
                    sleep(3000);
                    respond(ex, 200, new byte[4800]);
                }
                case "json200" -> {
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    respond(ex, 200, "{\"error\":{\"message\":\"quota exceeded\"}}".getBytes());
                }
                case "tiny" -> respond(ex, 200, new byte[3]);
                case "stall" -> { // a tenth of a second of audio, then nothing
                    ex.sendResponseHeaders(200, 48_000);
                    OutputStream o = ex.getResponseBody();
                    o.write(new byte[4800]);
                    o.flush();
                    sleep(5000);
                    ex.close();
                }
                default -> respond(ex, 200, new byte[48_000]); // one second of 24 kHz silence
            }
        });
        stub.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()); // a slow reply must not hold up others
        stub.start();
    }

    @AfterAll
    static void tearDown() {
        stub.stop(0);
        local.close();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CloudSynthesizer stubCloud() {
        return new CloudSynthesizer(CloudSynthesizer.Config.of("http://127.0.0.1:" + stub.getAddress().getPort() + "/v1")
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(700)));
    }

    /** A local voice that must not be closed by the hybrid under test. */
    private static Synthesizer shared(Voice v) {
        return new Synthesizer() {
            @Override
            public String describe() {
                return v.describe();
            }

            @Override
            public dev.sotto.api.VoiceListing listing() {
                return v.listing();
            }

            @Override
            public AudioStream synthesize(String text, SynthesisOptions options) {
                return v.synthesize(text, options);
            }

            @Override
            public void close() {
            }
        };
    }

    private static float[] read(AudioStream s) {
        try (s) {
            return s.readAll();
        }
    }

    @Test
    void localOnlyNeverOpensAConnection() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        ServerSocket trap = new ServerSocket(0);
        try {
            Thread t = Thread.ofVirtual().start(() -> {
                while (!trap.isClosed()) {
                    try {
                        trap.accept().close();
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            CloudSynthesizer cloud = new CloudSynthesizer(CloudSynthesizer.Config.of("http://127.0.0.1:" + trap.getLocalPort() + "/v1"));
            HybridSynthesizer h = Synthesizers.hybrid(shared(local), cloud, Policy.LOCAL_ONLY);
            AudioStream s = h.synthesize("Hello there.", OPTIONS);
            assertEquals(22050, s.sampleRate());
            assertTrue(read(s).length > 0);
            // A probe of our own: connections are accepted in arrival order, so once the probe is in, any connection the
            // synthesis made would have been counted before it.
            new Socket("127.0.0.1", trap.getLocalPort()).close();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (accepted.get() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            trap.close();
            t.join();
            assertEquals(1, accepted.get(), "LOCAL_ONLY opened a connection (or the probe was not seen)");
        } finally {
            trap.close();
        }
    }

    @Test
    void cloudFirstFallsBackWithAReasonForEachFailure() {
        List<Fallback> seen = new ArrayList<>();
        HybridSynthesizer h = Synthesizers.hybrid(shared(local), stubCloud(), Policy.CLOUD_FIRST).onFallback(seen::add)
                .withBreaker(new CircuitBreaker(100, Duration.ofSeconds(30)));
        mode.set("ok");
        AudioStream ok = h.synthesize("Hi.", OPTIONS);
        assertEquals(24000, ok.sampleRate());
        assertEquals(24000, read(ok).length);
        for (String m : new String[] {"500", "429", "slow"}) {
            mode.set(m);
            AudioStream s = h.synthesize("Hi.", OPTIONS);
            assertEquals(22050, s.sampleRate(), "local voice after " + m);
            assertTrue(read(s).length > 0);
        }
        assertEquals(3, seen.size());
        assertTrue(seen.get(0).reason().contains("HTTP 500: upstream exploded"), seen.get(0).reason());
        assertTrue(seen.get(1).reason().contains("HTTP 429"), seen.get(1).reason());
        assertTrue(seen.get(2).reason().contains("timed out"), seen.get(2).reason());
        assertEquals("local:tiny", seen.get(0).to());
        // Connection refused: nothing listens on a port that was just freed.
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HybridSynthesizer refused = Synthesizers.hybrid(shared(local), new CloudSynthesizer(CloudSynthesizer.Config.of(
                "http://127.0.0.1:" + closedPort + "/v1")), Policy.CLOUD_FIRST).onFallback(seen::add);
        assertEquals(22050, read2(refused.synthesize("Hi.", OPTIONS)));
        assertTrue(seen.get(3).reason().contains("unreachable"), seen.get(3).reason());
        mode.set("ok");
    }

    @Test
    void aCloudThatSendsNoAudioOrStallsIsAnErrorNotAHang() {
        List<Fallback> seen = new ArrayList<>();
        HybridSynthesizer h = Synthesizers.hybrid(shared(local), stubCloud(), Policy.CLOUD_FIRST).onFallback(seen::add)
                .withBreaker(new CircuitBreaker(100, Duration.ofSeconds(30)));
        for (String m : new String[] {"json200", "tiny"}) {
            mode.set(m);
            assertEquals(22050, read2(h.synthesize("Hi.", OPTIONS)), "the local voice after " + m);
        }
        assertTrue(seen.get(0).reason().contains("HTTP 200 with application/json instead of audio: quota exceeded"), seen.get(0).reason());
        assertTrue(seen.get(1).reason().contains("too little to be speech"), seen.get(1).reason());
        mode.set("stall");
        try (CloudSynthesizer cloud = stubCloud()) {
            long start = System.nanoTime();
            CloudException e = assertThrows(CloudException.class, () -> read(cloud.synthesize("Hi.", OPTIONS)));
            assertTrue(e.getMessage().contains("stopped sending audio for 700 ms"), e.getMessage());
            assertTrue(System.nanoTime() - start < 4_000_000_000L, "abandoned at the stall limit, not when the server gave up");
        } finally {
            mode.set("ok");
        }
    }

    private static int read2(AudioStream s) {
        int rate = s.sampleRate();
        read(s);
        return rate;
    }

    @Test
    void breakerOpensAfterRepeatedFailuresAndClosesAfterASuccessfulTrial() {
        AtomicLong now = new AtomicLong();
        CircuitBreaker breaker = new CircuitBreaker(2, Duration.ofSeconds(10), now::get);
        List<Fallback> seen = new ArrayList<>();
        HybridSynthesizer h = Synthesizers.hybrid(shared(local), stubCloud(), Policy.CLOUD_FIRST).withBreaker(breaker).onFallback(seen::add);
        mode.set("500");
        read(h.synthesize("One.", OPTIONS));
        read(h.synthesize("Two.", OPTIONS));
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        int hits = stubHits.get();
        read(h.synthesize("Three.", OPTIONS));
        assertEquals(hits, stubHits.get(), "an open breaker keeps requests away from the cloud");
        assertTrue(seen.get(2).reason().contains("circuit breaker is open"), seen.get(2).reason());
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
        mode.set("ok");
        AudioStream trial = h.synthesize("Four.", OPTIONS);
        assertEquals(24000, trial.sampleRate(), "the half-open trial went to the cloud");
        read(trial);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    }

    @Test
    void localFirstUsesTheCloudOnlyWhenTheLocalVoiceIsMissingOrFails() {
        List<Fallback> seen = new ArrayList<>();
        mode.set("ok");
        HybridSynthesizer normal = Synthesizers.hybrid(shared(local), stubCloud(), Policy.LOCAL_FIRST).onFallback(seen::add);
        int hits = stubHits.get();
        assertEquals(22050, read2(normal.synthesize("Hello.", OPTIONS)));
        assertEquals(hits, stubHits.get());
        HybridSynthesizer missing = Synthesizers.hybrid(null, stubCloud(), Policy.LOCAL_FIRST).onFallback(seen::add);
        assertEquals(24000, read2(missing.synthesize("Hello.", OPTIONS)));
        assertEquals("no local voice", seen.get(0).reason());
        Synthesizer broken = new Synthesizer() {
            @Override
            public String describe() {
                return "local:broken";
            }

            @Override
            public dev.sotto.api.VoiceListing listing() {
                return local.listing();
            }

            @Override
            public AudioStream synthesize(String text, SynthesisOptions options) {
                throw new IllegalStateException("voice file is damaged");
            }

            @Override
            public void close() {
            }
        };
        HybridSynthesizer failing = Synthesizers.hybrid(broken, stubCloud(), Policy.LOCAL_FIRST).onFallback(seen::add);
        assertEquals(24000, read2(failing.synthesize("Hello.", OPTIONS)));
        assertEquals("local synthesis failed: voice file is damaged", seen.get(1).reason());
        // With the condition false, the cloud is not an option either: a clear error.
        CloudException e = assertThrows(CloudException.class, () -> failing.withCloudCondition(() -> false).synthesize("Hello.", OPTIONS));
        assertTrue(e.getMessage().contains("cloud condition does not hold"), e.getMessage());
    }

    @Test
    void aFalseConditionKeepsCloudFirstLocal() {
        List<Fallback> seen = new ArrayList<>();
        int hits = stubHits.get();
        HybridSynthesizer h = Synthesizers.hybrid(shared(local), stubCloud(), Policy.CLOUD_FIRST).withCloudCondition(() -> false)
                .onFallback(seen::add);
        assertEquals(22050, read2(h.synthesize("Hello.", OPTIONS)));
        assertEquals(hits, stubHits.get());
        assertEquals("the cloud condition does not hold", seen.get(0).reason());
        assertThrows(IllegalArgumentException.class, () -> Policy.parse("sometimes"));
        assertEquals(Policy.CLOUD_FIRST, Policy.parse("cloud-first"));
    }

    @Test
    void sottoServeWorksAsTheCloud() throws IOException {
        try (VoiceRegistry voices = new VoiceRegistry().add("tiny", Voice.load(dir.resolve("tiny.gguf")));
             SpeechServer server = new SpeechServer(ServerConfig.defaults().withPort(0).withApiKey("k"), voices).start()) {
            CloudSynthesizer.Config c = new CloudSynthesizer.Config("http://127.0.0.1:" + server.port() + "/v1", "tts-1", "tiny", "k",
                    Duration.ofSeconds(2), Duration.ofSeconds(10));
            try (CloudSynthesizer cloud = new CloudSynthesizer(c)) {
                AudioStream s = Synthesizers.hybrid(null, cloud, Policy.CLOUD_FIRST).synthesize("Hello from the other side.", OPTIONS);
                assertEquals(24000, s.sampleRate());
                assertTrue(read(s).length > 24000 / 2);
                CloudException wrongKey = assertThrows(CloudException.class, () -> new CloudSynthesizer(new CloudSynthesizer.Config(c.baseUrl(),
                        "tts-1", "tiny", "nope", Duration.ofSeconds(2), Duration.ofSeconds(10))).synthesize("Hi.", OPTIONS));
                assertEquals(CloudException.Kind.REJECTED, wrongKey.kind());
                assertEquals(401, wrongKey.status());
            }
        }
    }
}

package dev.sotto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.audio.speech.SpeechCreateParams;
import dev.sotto.api.AudioChunk;
import dev.sotto.api.AudioStream;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Synthesizer;
import dev.sotto.api.Voice;
import dev.sotto.api.VoiceListing;
import dev.sotto.codec.OutputFormat;
import dev.sotto.onnx.testing.PiperFixtures;
import dev.sotto.tensor.GgmlType;
import dev.sotto.testing.Ffmpeg;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server end to end over loopback, on the tiny fixture voice (random weights: it speaks noise). */
class SpeechServerTest {
    static {
        // Short enough to test slow clients quickly; must be set before the JDK's server classes load.
        System.setProperty("sun.net.httpserver.maxReqTime", "1"); // seconds
    }

    static final String LONG_TEXT = "This sentence is long enough to keep the server busy for a little while. ".repeat(12);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path voiceFile;
    private static VoiceRegistry voices;
    private static SpeechServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Path tinyVoice(Path into) throws IOException {
        return PiperFixtures.gguf("tiny-r2", GgmlType.Q8_0, into.resolve("tiny-voice.gguf"));
    }

    @BeforeAll
    static void start() throws IOException {
        voiceFile = tinyVoice(dir);
        voices = new VoiceRegistry().add("tiny-voice", Voice.load(voiceFile));
        server = new SpeechServer(ServerConfig.defaults().withPort(0).withLimits(2, 4, 4096), voices).start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(2));
        voices.close();
    }

    static String body(String input, String format, String extra) {
        return "{\"model\":\"tts-1\",\"input\":" + JSON.valueToTree(input) + ",\"voice\":\"tiny-voice\",\"response_format\":\"" + format + "\""
                + (extra == null ? "" : "," + extra) + "}";
    }

    static java.net.http.HttpResponse<byte[]> post(int port, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), BodyHandlers.ofByteArray());
    }

    static java.net.http.HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(), BodyHandlers.ofString());
    }

    private static JsonNode error(java.net.http.HttpResponse<byte[]> r) throws IOException {
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertNotNull(e, new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(e.get("message").isTextual() && e.has("type") && e.has("param") && e.has("code"), e.toString());
        return e;
    }

    @Test
    void speechStreamsWavAndPcmAt24kHz() throws Exception {
        var wav = post(server.port(), body("Hello world. How are you?", "wav", "\"seed\":5"));
        assertEquals(200, wav.statusCode());
        assertEquals("audio/wav", wav.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(wav.headers().firstValue("Content-Length").isEmpty(), "streamed (chunked), not buffered");
        assertEquals("RIFF", new String(wav.body(), 0, 4, StandardCharsets.US_ASCII));
        int samples = (wav.body().length - 44) / 2;
        assertTrue(samples > 10_000, "audio samples: " + samples);
        var pcm = post(server.port(), body("Hello world. How are you?", "pcm", "\"seed\":5"));
        assertEquals(200, pcm.statusCode());
        assertEquals("24000", pcm.headers().firstValue("X-Sotto-Sample-Rate").orElseThrow());
        assertEquals(Math.round(samples * 24000.0 / 22050), pcm.body().length / 2, "the same audio resampled to 24 kHz");
        // In as few pieces as the voice can: the same samples, up to float rounding.
        var whole = post(server.port(), body("Hello world. How are you?", "wav", "\"seed\":5,\"streaming\":false"));
        assertEquals(200, whole.statusCode());
        assertEquals(wav.body().length, whole.body().length);
        java.nio.ShortBuffer a = java.nio.ByteBuffer.wrap(wav.body(), 44, wav.body().length - 44).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        java.nio.ShortBuffer b = java.nio.ByteBuffer.wrap(whole.body(), 44, whole.body().length - 44).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        for (int i = 0; i < a.limit(); i++) {
            assertTrue(Math.abs(a.get(i) - b.get(i)) <= 1, "sample " + i + ": " + a.get(i) + " vs " + b.get(i));
        }
        assertEquals(400, post(server.port(), body("Hi", "wav", "\"streaming\":\"no\"")).statusCode());
    }

    /**
     * The official OpenAI Java SDK, as its documentation calls it: the default call (no response_format: mp3) and
     * every format it offers. Each file decodes (ffmpeg) to the WAV's duration within 1% or 0.1 s, whichever is
     * larger; aac is refused with the list of what is available.
     */
    @Test
    void theOfficialOpenAiSdkGetsEveryFormat() throws Exception {
        Ffmpeg.require();
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("unused")
                .maxRetries(0).build();
        String text = "Hello from the OpenAI SDK. This voice runs on your own machine.";
        Path wav = sdkSpeech(client, text, SpeechCreateParams.ResponseFormat.WAV, "audio/wav");
        double seconds = Ffmpeg.seconds(wav);
        assertTrue(seconds > 1, "seconds: " + seconds);
        double tolerance = Math.max(0.01 * seconds, 0.1);
        Path byDefault = sdkSpeech(client, text, null, "audio/mpeg");
        assertEquals(seconds, Ffmpeg.seconds(byDefault), tolerance, "the default call (mp3)");
        for (SpeechCreateParams.ResponseFormat f : List.of(SpeechCreateParams.ResponseFormat.MP3, SpeechCreateParams.ResponseFormat.OPUS,
                SpeechCreateParams.ResponseFormat.FLAC, SpeechCreateParams.ResponseFormat.PCM)) {
            OutputFormat ours = OutputFormat.byName(f.toString());
            Path file = sdkSpeech(client, text, f, ours.contentType());
            double decoded = ours == OutputFormat.PCM ? Files.size(file) / 2.0 / OutputFormat.PCM_RATE : Ffmpeg.seconds(file);
            assertEquals(seconds, decoded, tolerance, f.toString());
        }
        BadRequestException e = assertThrows(BadRequestException.class, () -> client.audio().speech().create(SpeechCreateParams.builder()
                .model("tts-1").voice("alloy").input("Hi").responseFormat(SpeechCreateParams.ResponseFormat.AAC).build()).close());
        assertTrue(e.getMessage().contains("supported: wav, mp3, opus, flac, pcm"), e.getMessage());
    }

    private static Path sdkSpeech(OpenAIClient client, String text, SpeechCreateParams.ResponseFormat format, String contentType)
            throws IOException {
        SpeechCreateParams.Builder b = SpeechCreateParams.builder().model("tts-1").voice("alloy").input(text);
        if (format != null) {
            b.responseFormat(format);
        }
        try (HttpResponse r = client.audio().speech().create(b.build()); InputStream in = r.body()) {
            assertEquals(200, r.statusCode());
            assertEquals(contentType, r.headers().values("Content-Type").getFirst());
            Path file = dir.resolve("sdk." + (format == null ? "default" : format.toString()));
            Files.write(file, in.readAllBytes());
            return file;
        }
    }

    /**
     * Every format leaves while synthesis is still running: the voice below gives its second chunk only once the
     * client holds audio of the first (a server that buffered the response would never finish).
     */
    @Test
    void everyFormatStreamsBeforeTheUtteranceIsDone() throws Exception {
        try (GatedVoice gated = new GatedVoice(); VoiceRegistry registry = new VoiceRegistry().add("gated", gated)) {
            SpeechServer s = new SpeechServer(ServerConfig.defaults().withPort(0), registry).start();
            try {
                for (OutputFormat f : OutputFormat.values()) {
                    gated.reset();
                    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/audio/speech"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tts-1\",\"input\":\"Hi.\",\"voice\":\"gated\","
                                    + "\"response_format\":\"" + f.id() + "\"}")).timeout(Duration.ofSeconds(20)).build();
                    var r = HTTP.send(req, BodyHandlers.ofInputStream());
                    assertEquals(200, r.statusCode(), f.id());
                    try (InputStream in = r.body()) {
                        byte[] first = in.readNBytes(2000); // more than any header: audio of the first chunk
                        assertEquals(2000, first.length, f.id());
                        gated.release();
                        assertTrue(in.readAllBytes().length > 0, f.id() + ": the rest follows");
                    }
                }
            } finally {
                s.stop(Duration.ofSeconds(1));
            }
        }
    }

    /** One second of tone, then (once released) another: a voice that cannot finish before the client has audio. */
    @Test
    void warmUpSpeaksWithLocalVoicesOnly() throws IOException {
        java.util.concurrent.atomic.AtomicInteger cloudCalls = new java.util.concurrent.atomic.AtomicInteger();
        Synthesizer cloud = new Synthesizer() {
            @Override
            public String describe() {
                return "a cloud service";
            }

            @Override
            public VoiceListing listing() {
                return new VoiceListing("cloud", List.of("en"), 24_000, List.of(), List.of(), null, "");
            }

            @Override
            public AudioStream synthesize(String text, SynthesisOptions options) {
                cloudCalls.incrementAndGet();
                throw new IllegalStateException("the warm-up must not call a cloud voice");
            }

            @Override
            public void close() {
            }
        };
        try (VoiceRegistry registry = new VoiceRegistry().add("cloud", cloud).add("local", Voice.load(voiceFile))) {
            int runs = registry.warmUp(Duration.ofSeconds(60), 3);
            // The first run has nothing to compare with, so a second always follows it.
            assertTrue(runs >= 2 && runs <= 3, "runs: " + runs);
            assertEquals(0, cloudCalls.get());
            assertEquals(0, registry.warmUp(Duration.ZERO, 3), "no budget, no runs");
        }
    }

    private static final class GatedVoice implements Synthesizer {
        private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);

        void reset() {
            gate = new java.util.concurrent.CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        @Override
        public String describe() {
            return "gated";
        }

        @Override
        public VoiceListing listing() {
            return new VoiceListing("test", List.of("en"), 22_050, List.of(), List.of(), null, "");
        }

        @Override
        public AudioStream synthesize(String text, SynthesisOptions options) {
            java.util.concurrent.CountDownLatch g = gate;
            return new AudioStream() {
                @Override
                public int sampleRate() {
                    return 22_050;
                }

                @Override
                public void close() {
                }

                @Override
                public java.util.Iterator<AudioChunk> iterator() {
                    return new java.util.Iterator<>() {
                        private int index;

                        @Override
                        public boolean hasNext() {
                            if (index == 1) {
                                try {
                                    if (!g.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                                        throw new IllegalStateException("the client never received the first chunk's audio");
                                    }
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    return false;
                                }
                            }
                            return index < 2;
                        }

                        @Override
                        public AudioChunk next() {
                            float[] tone = new float[22_050];
                            for (int i = 0; i < tone.length; i++) {
                                tone[i] = (float) (0.3 * Math.sin(i * 0.07) + 0.05 * Math.sin(i * 0.31));
                            }
                            return new AudioChunk(tone, 22_050, index, index++, "Hi.", "", List.of(), List.of(), 0);
                        }
                    };
                }
            };
        }

        @Override
        public void close() {
        }
    }

    @Test
    void badRequestsGetOpenAiErrorsWithTheRightStatus() throws Exception {
        int port = server.port();
        assertEquals(400, post(port, "{\"model\": \"tts-1\", ").statusCode());
        assertTrue(error(post(port, "{\"model\": \"tts-1\", ")).get("message").asText().contains("not valid JSON"));
        JsonNode missing = error(post(port, "{\"model\":\"tts-1\",\"voice\":\"alloy\"}"));
        assertEquals("input", missing.get("param").asText());
        var unknown = post(port, body("Hi", "wav", null).replace("tiny-voice", "../../etc/passwd"));
        assertEquals(400, unknown.statusCode());
        assertTrue(error(unknown).get("message").asText().startsWith("unknown voice '../../etc/passwd'"));
        var tooLong = post(port, body("a".repeat(4097), "wav", null));
        assertEquals(400, tooLong.statusCode());
        assertTrue(error(tooLong).get("message").asText().contains("at most 4096"));
        var format = post(port, body("Hi", "aac", null));
        assertEquals(400, format.statusCode());
        assertEquals("unsupported_response_format", error(format).get("code").asText());
        assertTrue(error(format).get("message").asText().endsWith("supported: wav, mp3, opus, flac, pcm"));
        assertEquals(400, post(port, body("Hi", "wav", "\"speed\":9")).statusCode());
        var nothing = post(port, body("\u0000\u0000", "wav", null));
        assertEquals(400, nothing.statusCode(), "input that gives no speech");
        assertTrue(error(nothing).get("message").asText().startsWith("nothing to say"), error(nothing).toString());
        assertEquals("stream_format", error(post(port, body("Hi", "wav", "\"stream_format\":\"sse\""))).get("param").asText());
        assertEquals(400, post(port, body("Hi", "wav", "\"emotion\":\"bored\"")).statusCode());
        var ssml = post(port, body("<speak>Hi <break></speak>", "wav", "\"ssml\":true"));
        assertEquals(400, ssml.statusCode());
        assertTrue(error(ssml).get("message").asText().contains("invalid SSML"));
        var wrongMethod = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech")).GET().build(),
                BodyHandlers.ofByteArray());
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElseThrow());
        assertEquals(404, get(port, "/v1/nothing").statusCode());
        assertEquals(404, get(port, "/v1/../../etc/passwd").statusCode());
        assertEquals(200, get(port, "/health").statusCode());
    }

    @Test
    void modelsVoicesHealthMetricsAndPage() throws Exception {
        int port = server.port();
        JsonNode models = JSON.readTree(get(port, "/v1/models").body());
        assertEquals("list", models.get("object").asText());
        assertTrue(models.get("data").toString().contains("\"tts-1\""));
        JsonNode v = JSON.readTree(get(port, "/v1/voices").body());
        assertEquals("tiny-voice", v.get("voices").get(0).get("name").asText());
        assertTrue(v.get("styles").toString().contains("whisper"));
        assertEquals("ok", JSON.readTree(get(port, "/health").body()).get("status").asText());
        var first = post(port, body("Count me.", "pcm", null));
        var again = post(port, body("Count me.", "pcm", null));
        org.junit.jupiter.api.Assertions.assertArrayEquals(first.body(), again.body(), "the repeat is replayed from the phrase cache");
        String metrics = get(port, "/metrics").body();
        assertTrue(metrics.contains("sotto_requests_total{endpoint=\"/v1/audio/speech\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("sotto_time_to_first_byte_seconds_bucket{le=\"+Inf\"}") && metrics.contains("sotto_audio_seconds_total"));
        assertTrue(metrics.matches("(?s).*sotto_phrase_cache_hits_total [1-9].*"), metrics);
        assertTrue(metrics.matches("(?s).*jvm_memory_used_bytes\\{area=\"heap\"} [1-9].*") && metrics.contains("jvm_memory_max_bytes{area=\"heap\"}")
                && metrics.contains("jvm_gc_collections_total{gc=") && metrics.contains("jvm_gc_seconds_total{gc="), metrics);
        var page = get(port, "/");
        assertTrue(page.body().contains("/v1/audio/speech") && page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    }

    /** What {@code serve --idle-exit} watches: the time since the last speech request, which other requests do not reset. */
    @Test
    void idleTimeCountsFromTheLastSpeechRequest() throws Exception {
        int port = server.port();
        assertEquals(200, post(port, body("Idle from here.", "pcm", null)).statusCode());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.idleNanos() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1); // the server marks a request ended just after its answer's last byte
        }
        long afterSpeech = server.idleNanos();
        assertTrue(afterSpeech > 0, "idle once the request has ended");
        assertTrue(afterSpeech < 2_000_000_000L, "measured from the speech request's end: " + afterSpeech);
        Thread.sleep(60);
        assertEquals(200, get(port, "/health").statusCode());
        assertEquals(200, get(port, "/v1/voices").statusCode());
        long later = server.idleNanos();
        assertTrue(later >= afterSpeech + 60_000_000L, "health and listings are not use: " + afterSpeech + " -> " + later);
        assertEquals(200, post(port, body("Not idle.", "pcm", null)).statusCode());
        assertTrue(server.idleNanos() < later, "a speech request is");
    }

    @Test
    void timingsComeFromASidecarEndpoint() throws Exception {
        var r = post(server.port(), body("Hello brave new world.", "wav", "\"timings\":true"));
        assertEquals(200, r.statusCode());
        String where = r.headers().firstValue("X-Sotto-Timings").orElseThrow();
        JsonNode t = JSON.readTree(get(server.port(), where).body());
        assertEquals(4, t.get("words").size(), t.toString());
        assertEquals("Hello", t.get("words").get(0).get("word").asText());
        double end = t.get("words").get(3).get("end").asDouble();
        assertTrue(end > 0 && end <= t.get("audio_seconds").asDouble() + 1e-9, t.toString());
        assertEquals(404, get(server.port(), "/v1/audio/timings/nope").statusCode());
    }

    @Test
    void apiKeyIsRequiredWhenSet() throws Exception {
        try (VoiceRegistry v = new VoiceRegistry().add("tiny-voice", Voice.load(voiceFile));
             SpeechServer keyed = new SpeechServer(ServerConfig.defaults().withPort(0).withApiKey("s3cret"), v).start()) {
            var none = post(keyed.port(), body("Hi", "wav", null));
            assertEquals(401, none.statusCode());
            assertEquals("invalid_api_key", error(none).get("code").asText());
            assertEquals(401, post(keyed.port(), body("Hi", "wav", null), "Authorization", "Bearer wrong").statusCode());
            assertEquals(200, post(keyed.port(), body("Hi", "wav", null), "Authorization", "Bearer s3cret").statusCode());
            assertEquals(200, post(keyed.port(), body("Hi", "wav", null), "Authorization", "bearer s3cret").statusCode(), "scheme case-insensitive");
            assertEquals(401, post(keyed.port(), body("Hi", "wav", null), "Authorization", "Basic s3cret").statusCode());
            assertEquals(200, get(keyed.port(), "/health").statusCode());
        }
    }

    @Test
    void overloadGives503WithRetryAfterAndLosesNothing() throws Exception {
        try (VoiceRegistry v = new VoiceRegistry().add("tiny-voice", Voice.load(voiceFile));
             SpeechServer small = new SpeechServer(ServerConfig.defaults().withPort(0).withLimits(1, 1, 4096), v).start()) {
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<java.net.http.HttpResponse<byte[]>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(clients.submit(() -> post(small.port(), body(LONG_TEXT, "pcm", null))));
            }
            int ok = 0;
            int busy = 0;
            for (var f : results) {
                var r = f.get();
                if (r.statusCode() == 200) {
                    ok++;
                    assertTrue(r.body().length > 100_000, "a complete stream");
                } else {
                    assertEquals(503, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
                    assertEquals("1", r.headers().firstValue("Retry-After").orElseThrow());
                    assertEquals("overloaded", error(r).get("code").asText());
                    busy++;
                }
            }
            clients.shutdown();
            assertEquals(8, ok + busy);
            assertTrue(ok >= 2 && busy >= 1, ok + " served, " + busy + " refused");
        }
    }

    @Test
    void aClientThatDisconnectsStopsItsSynthesis() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            String b = body(LONG_TEXT.repeat(4), "pcm", null);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + b.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + b).getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertTrue(s.getInputStream().readNBytes(2048).length == 2048, "audio started");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String metrics = "";
        while (System.nanoTime() < deadline) {
            metrics = get(server.port(), "/metrics").body();
            if (metrics.contains("sotto_client_disconnects_total 1") || metrics.matches("(?s).*sotto_client_disconnects_total [1-9].*")) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(metrics.matches("(?s).*sotto_client_disconnects_total [1-9].*"), metrics);
    }

    @Test
    void hostileRequestsAreRefusedAndTheServerKeepsServing() throws Exception {
        int port = server.port();
        // Invalid UTF-8.
        assertTrue(rawStatus(port, "POST", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}).contains(" 400 "));
        // Deep JSON.
        String deep = "[".repeat(100_000);
        var d = post(port, deep);
        assertEquals(400, d.statusCode());
        assertTrue(error(d).get("message").asText().contains("not valid JSON"));
        // A huge body is refused from its Content-Length, before it is read.
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n{".getBytes(StandardCharsets.US_ASCII));
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", head);
        }
        // A slow-loris client trickling its headers is cut off; meanwhile others are served.
        long start = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(250);
            OutputStream out = s.getOutputStream();
            out.write("POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean closed = false;
            for (int i = 0; i < 40 && !closed; i++) {
                assertEquals(200, get(port, "/health").statusCode());
                try {
                    out.write("X-Slow: y\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    closed = s.getInputStream().read() < 0;
                } catch (java.net.SocketTimeoutException e) {
                    // still open: keep trickling
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertTrue(closed, "the slow client was disconnected");
        }
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(12).toNanos());
        assertEquals(200, post(port, body("Still here.", "wav", null)).statusCode());
    }

    @Test
    void strictBodiesNamedParamsAndTheUsualProbes() throws Exception {
        int port = server.port();
        var trailing = post(port, body("Hi", "wav", null) + " {\"more\":1}");
        assertEquals(400, trailing.statusCode(), "trailing garbage after the JSON object");
        var duplicate = post(port, body("Hi", "wav", null).replace("{\"model\"", "{\"input\":\"Other\",\"model\""));
        assertEquals(400, duplicate.statusCode(), "a key given twice");
        assertTrue(error(duplicate).get("message").asText().contains("input"), error(duplicate).toString());
        for (String[] c : new String[][] {{"\"speed\":9", "speed"}, {"\"pitch\":99", "pitch"}, {"\"speaker\":77", "speaker"},
                {"\"emotion\":\"bored\"", "emotion"}}) {
            var r = post(port, body("Hi", "wav", c[0]));
            assertEquals(400, r.statusCode(), c[0]);
            assertEquals(c[1], error(r).get("param").asText(), c[0] + ": " + error(r));
        }
        var head = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode(), "HEAD /health, the usual probe");
        assertEquals(0, head.body().length);
        var options = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertEquals(204, options.statusCode(), "OPTIONS without an Origin is not a preflight");
        assertEquals("POST, OPTIONS", options.headers().firstValue("Allow").orElseThrow());
    }

    /** Sends a raw request with {@code body} and returns the status line. */
    private static String rawStatus(int port, String method, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write((method + " /v1/audio/speech HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            byte[] head = s.getInputStream().readNBytes(16);
            return new String(head, StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aCrowdOfIdleConnectionsDoesNotLockOutNewClients() throws Exception {
        int crowd = Math.min(1500, SpeechServer.maxConnections() - 64);
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < crowd; i++) {
                idle.add(new Socket("127.0.0.1", server.port())); // connected, never a request
            }
            assertEquals(200, get(server.port(), "/health").statusCode(), "a new client after " + crowd + " idle connections");
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    @Test
    void shutdownWithNothingRunningDoesNotWaitOutTheDrain() throws Exception {
        VoiceRegistry v = new VoiceRegistry().add("tiny-voice", Voice.load(voiceFile));
        SpeechServer s = new SpeechServer(ServerConfig.defaults().withPort(0), v).start();
        // A slow client that is cut off (1 s here) and an idle connection: neither is a request to wait for.
        try (Socket slow = new Socket("127.0.0.1", s.port()); Socket idle = new Socket("127.0.0.1", s.port())) {
            slow.getOutputStream().write("POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.setSoTimeout(10_000);
            assertEquals(-1, slow.getInputStream().read(), "the slow client is cut off");
            assertTrue(idle.isConnected());
            long start = System.nanoTime();
            s.stop(Duration.ofSeconds(20));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "stopped without waiting out the 20 s drain");
        } finally {
            v.close();
        }
    }

    @Test
    void shutdownDrainsRunningRequests() throws Exception {
        VoiceRegistry v = new VoiceRegistry().add("tiny-voice", Voice.load(voiceFile));
        SpeechServer s = new SpeechServer(ServerConfig.defaults().withPort(0), v).start();
        int port = s.port();
        ExecutorService one = Executors.newSingleThreadExecutor();
        Future<java.net.http.HttpResponse<byte[]>> running = one.submit(() -> post(port, body(LONG_TEXT, "pcm", null)));
        // Stop only once the request is running (the server counts it in flight): a drain with nothing to drain proves nothing.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean inFlight = false;
        while (!inFlight && System.nanoTime() < deadline) {
            inFlight = get(port, "/metrics").body().contains("sotto_in_flight_requests 1");
        }
        assertTrue(inFlight, "the long request is running");
        s.stop(Duration.ofSeconds(20));
        var r = running.get();
        assertEquals(200, r.statusCode());
        assertTrue(r.body().length > 100_000);
        assertThrows(ConnectException.class, () -> get(port, "/health"));
        one.shutdown();
        v.close();
    }

    @Test
    void theRequestTimeLimitCutsALongStreamShort() throws Exception {
        try (VoiceRegistry v = new VoiceRegistry().add("tiny-voice", Voice.load(voiceFile));
             SpeechServer quick = new SpeechServer(ServerConfig.defaults().withPort(0).withTimeouts(Duration.ofMillis(400), Duration.ofSeconds(5)),
                     v).start()) {
            var full = post(server.port(), body(LONG_TEXT.repeat(3), "pcm", null));
            var cut = post(quick.port(), body(LONG_TEXT.repeat(3), "pcm", null));
            assertEquals(200, cut.statusCode());
            assertTrue(cut.body().length > 0 && cut.body().length < full.body().length / 2, cut.body().length + " of " + full.body().length);
            assertTrue(get(quick.port(), "/metrics").body().contains("sotto_timeouts_total 1"));
        }
    }

    @Test
    void browsersOnAllowedOriginsMayCallTheApi() throws Exception {
        try (VoiceRegistry v = new VoiceRegistry().add("tiny-voice", Voice.load(voiceFile));
             SpeechServer open = new SpeechServer(ServerConfig.defaults().withPort(0).withCorsOrigins(List.of("http://localhost:3000")), v)
                     .start()) {
            var preflight = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/v1/audio/speech"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://localhost:3000")
                    .header("Access-Control-Request-Method", "POST").build(), BodyHandlers.ofString());
            assertEquals(204, preflight.statusCode());
            assertEquals("http://localhost:3000", preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().contains("Authorization"));
            var post = post(open.port(), body("Hi.", "wav", null), "Origin", "http://localhost:3000");
            assertEquals(200, post.statusCode());
            assertEquals("http://localhost:3000", post.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            var other = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/v1/audio/speech"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://evil.example").build(), BodyHandlers.ofString());
            assertEquals(403, other.statusCode());
            assertTrue(post(open.port(), body("Hi.", "wav", null), "Origin", "http://evil.example").headers()
                    .firstValue("Access-Control-Allow-Origin").isEmpty());
        }
        // Without configured origins, no CORS headers at all.
        assertTrue(post(server.port(), body("Hi.", "wav", null), "Origin", "http://localhost:3000").headers()
                .firstValue("Access-Control-Allow-Origin").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.defaults().withCorsOrigins(List.of("javascript:alert(1)")));
    }
}

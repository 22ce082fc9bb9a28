package dev.sotto.cloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sotto.api.AudioChunk;
import dev.sotto.api.AudioStream;
import dev.sotto.api.ReadOnceAudioStream;
import dev.sotto.api.VoiceListing;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Synthesizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client for OpenAI-compatible speech APIs ({@code POST {baseUrl}/audio/speech}, response_format pcm: s16le mono
 * at 24 kHz), streaming the response as {@link AudioChunk}s of 100 ms. Speed, the speaking style (as
 * {@code instructions}) and, for sotto servers, pitch are passed on; timings are not available from the cloud.
 * Failures before the first audio throw {@link CloudException} saying what happened (connection refused, timeout,
 * HTTP status with the service's message, a 200 whose body is not audio, a body too short to be speech); later, a
 * body that stops arriving for the first-byte timeout is abandoned (the stream ends with an error, never hangs).
 */
public final class CloudSynthesizer implements Synthesizer {
    /** OpenAI's pcm rate. */
    public static final int SAMPLE_RATE = 24_000;
    private static final int CHUNK_SAMPLES = SAMPLE_RATE / 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Less audio than this (10 ms) for a whole response is not speech: an error passed off as audio. */
    private static final int MIN_SAMPLES = SAMPLE_RATE / 100;

    private final Config config;
    private final HttpClient http;
    /** Closes bodies that stall (one daemon thread, shared by this synthesizer's streams). */
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sotto-cloud-watchdog");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param baseUrl e.g. {@code https://api.openai.com/v1} or {@code http://127.0.0.1:8880/v1}
     * @param model e.g. {@code tts-1}
     * @param voice e.g. {@code alloy}
     * @param apiKey bearer token, or null
     * @param connectTimeout to open the connection
     * @param firstByteTimeout from sending the request to the response headers, and the longest wait for more of
     *     the body (a stall)
     */
    public record Config(String baseUrl, String model, String voice, String apiKey, Duration connectTimeout, Duration firstByteTimeout) {
        public Config {
            Objects.requireNonNull(baseUrl, "baseUrl");
            URI u = URI.create(baseUrl);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw new IllegalArgumentException("cloud base URL must be http(s)://host[:port]/path, got '" + baseUrl + "'");
            }
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(voice, "voice");
            if (connectTimeout.isNegative() || connectTimeout.isZero() || firstByteTimeout.isNegative() || firstByteTimeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }

        /** tts-1 / alloy, key from {@code SOTTO_CLOUD_API_KEY} or {@code OPENAI_API_KEY}, 3 s to connect, 10 s to the first byte. */
        public static Config of(String baseUrl) {
            String key = System.getenv("SOTTO_CLOUD_API_KEY");
            if (key == null || key.isBlank()) {
                key = System.getenv("OPENAI_API_KEY");
            }
            return new Config(baseUrl, "tts-1", "alloy", key == null || key.isBlank() ? null : key, Duration.ofSeconds(3), Duration.ofSeconds(10));
        }

        public Config withVoice(String v) {
            return new Config(baseUrl, model, v, apiKey, connectTimeout, firstByteTimeout);
        }

        public Config withModel(String m) {
            return new Config(baseUrl, m, voice, apiKey, connectTimeout, firstByteTimeout);
        }

        public Config withTimeouts(Duration connect, Duration firstByte) {
            return new Config(baseUrl, model, voice, apiKey, connect, firstByte);
        }
    }

    public CloudSynthesizer(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public VoiceListing listing() {
        return new VoiceListing("cloud", List.of(), SAMPLE_RATE, List.of(""), List.of(config.voice()), config.voice(), null);
    }

    @Override
    public String describe() {
        return "cloud:" + config.baseUrl();
    }

    @Override
    public AudioStream synthesize(String text, SynthesisOptions options) {
        ObjectNode body = JSON.createObjectNode().put("model", config.model()).put("voice", config.voice()).put("input", text)
                .put("response_format", "pcm").put("speed", options.speed());
        if (!options.style().name().equals("neutral")) {
            body.put("instructions", "Speak in a " + options.style().name() + " voice.").put("emotion", options.style().name());
        }
        if (options.pitch() != 0f) {
            body.put("pitch", options.pitch());
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(config.baseUrl().replaceAll("/+$", "") + "/audio/speech"))
                .timeout(config.firstByteTimeout()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (config.apiKey() != null) {
            req.header("Authorization", "Bearer " + config.apiKey());
        }
        HttpResponse<InputStream> r;
        try {
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new CloudException(CloudException.Kind.TIMEOUT, describe() + " timed out: " + e.getMessage(), 0);
        } catch (IOException e) {
            throw new CloudException(CloudException.Kind.UNREACHABLE, describe() + " is unreachable: " + e, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudException(CloudException.Kind.UNREACHABLE, "interrupted", 0);
        }
        if (r.statusCode() != 200) {
            String message = errorMessage(r.body());
            CloudException.Kind kind = r.statusCode() == 429 ? CloudException.Kind.RATE_LIMITED
                    : r.statusCode() >= 500 ? CloudException.Kind.SERVER_ERROR : CloudException.Kind.REJECTED;
            throw new CloudException(kind, describe() + " answered HTTP " + r.statusCode() + ": " + message.strip(), r.statusCode());
        }
        String type = r.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/json") || type.startsWith("text/")) {
            String message = errorMessage(r.body());
            throw new CloudException(CloudException.Kind.SERVER_ERROR, describe() + " answered HTTP 200 with " + type + " instead of audio: "
                    + message.strip().replaceAll("\\s+", " "), 200);
        }
        return new PcmStream(r.body(), text, watchdog, config.firstByteTimeout(), describe());
    }

    /** The service's error message: OpenAI's {@code error.message}, else the start of the body as it is. */
    private static String errorMessage(InputStream body) {
        try (InputStream in = body) {
            String text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            return JSON.readTree(text).path("error").path("message").asText(text);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        http.close();
        watchdog.shutdownNow();
    }

    /**
     * s16le 24 kHz mono from the response body, 100 ms per chunk. Each read is watched: a body that sends nothing for
     * {@code stall} is closed, which ends the blocked read with an error.
     */
    private static final class PcmStream extends ReadOnceAudioStream {
        private final InputStream in;
        private final String text;
        private final ScheduledExecutorService watchdog;
        private final Duration stall;
        private final String source;
        private volatile boolean stalled;
        private int index;
        private long samples;

        PcmStream(InputStream in, String text, ScheduledExecutorService watchdog, Duration stall, String source) {
            this.in = in;
            this.text = text;
            this.watchdog = watchdog;
            this.stall = stall;
            this.source = source;
        }

        /** Up to {@code n} bytes (fewer only at the end of the body), or an error when the body stalls. */
        private byte[] read(int n) throws IOException {
            ScheduledFuture<?> alarm = watchdog.schedule(() -> {
                stalled = true;
                close();
            }, stall.toMillis(), TimeUnit.MILLISECONDS);
            try {
                return in.readNBytes(n);
            } catch (IOException e) {
                if (stalled) {
                    throw new CloudException(CloudException.Kind.TIMEOUT, source + " stopped sending audio for " + stall.toMillis() + " ms", 0);
                }
                throw e;
            } finally {
                alarm.cancel(false);
            }
        }

        @Override
        public int sampleRate() {
            return SAMPLE_RATE;
        }

        @Override
        protected AudioChunk produce() {
            try {
                byte[] b = read(2 * CHUNK_SAMPLES);
                if (stalled) {
                    throw new CloudException(CloudException.Kind.TIMEOUT, source + " stopped sending audio for " + stall.toMillis() + " ms", 0);
                }
                int n = b.length / 2; // an odd last byte (a cut-off sample) is dropped
                samples += n;
                if (n < CHUNK_SAMPLES && samples < MIN_SAMPLES) {
                    // The whole body was shorter than any speech: an error page or a broken response, not audio.
                    throw new CloudException(CloudException.Kind.SERVER_ERROR, source + " sent " + samples + " samples (" + (2 * samples)
                            + " bytes), too little to be speech", 0);
                }
                if (n == 0) {
                    return null;
                }
                float[] s = new float[n];
                for (int i = 0; i < n; i++) {
                    s[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8)) / 32768f;
                }
                return new AudioChunk(s, SAMPLE_RATE, index++, 0, text, "", List.of(), List.of(), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("the cloud stream broke off: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing more to read
            }
        }
    }
}

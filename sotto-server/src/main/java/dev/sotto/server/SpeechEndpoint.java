package dev.sotto.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sotto.api.AudioChunk;
import dev.sotto.api.AudioStream;
import dev.sotto.api.Synthesizer;
import dev.sotto.api.Timing;
import dev.sotto.codec.AudioEncoder;
import dev.sotto.text.PhonemizerException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * {@code POST /v1/audio/speech}: admission (a bounded number running, a bounded queue, 503 with Retry-After beyond),
 * then synthesis streamed as it is made, and the timings sidecar ({@code GET /v1/audio/timings/ID}).
 */
final class SpeechEndpoint {
    private static final Logger LOG = Logger.getLogger(SpeechEndpoint.class.getName());
    /** Most timing sidecars kept (oldest dropped). */
    static final int TIMINGS_KEPT = 256;

    private final ServerConfig config;
    private final VoiceRegistry voices;
    private final Metrics metrics;
    private final ObjectMapper json;
    private final JsonBody body;
    private final Semaphore slots;
    private final AtomicInteger admitted = new AtomicInteger();
    private final Map<String, String> timings = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > TIMINGS_KEPT;
        }
    };

    SpeechEndpoint(ServerConfig config, VoiceRegistry voices, Metrics metrics, ObjectMapper json) {
        this.config = config;
        this.voices = voices;
        this.metrics = metrics;
        this.json = json;
        this.body = new JsonBody(json, config.maxBodyBytes());
        this.slots = new Semaphore(config.maxConcurrent(), true);
    }

    /** The timings sidecar of an earlier request, or null. */
    String timings(String id) {
        synchronized (timings) {
            return timings.get(id);
        }
    }

    int handle(HttpExchange ex, boolean draining) throws ApiException {
        long arrived = System.nanoTime();
        if (draining) {
            ex.getResponseHeaders().set("Retry-After", "5");
            throw new ApiException(503, "server_error", "the server is shutting down", null, "shutting_down");
        }
        SpeechRequest req = SpeechRequest.parse(body.read(ex), voices, config.maxInputChars());
        if (admitted.incrementAndGet() > config.maxConcurrent() + config.maxQueue()) {
            admitted.decrementAndGet();
            ex.getResponseHeaders().set("Retry-After", "1");
            throw new ApiException(503, "server_error", "the server is busy (" + config.maxConcurrent() + " running, " + config.maxQueue()
                    + " waiting); retry shortly", null, "overloaded");
        }
        metrics.inFlight().incrementAndGet();
        try {
            if (!slots.tryAcquire(config.queueWait().toMillis(), TimeUnit.MILLISECONDS)) {
                ex.getResponseHeaders().set("Retry-After", "1");
                throw new ApiException(503, "server_error", "no synthesis slot became free in " + config.queueWait().toSeconds() + " s", null,
                        "overloaded");
            }
            try {
                return stream(ex, req, arrived);
            } finally {
                slots.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "server_error", "interrupted", null, null);
        } finally {
            admitted.decrementAndGet();
            metrics.inFlight().decrementAndGet();
        }
    }

    /**
     * Synthesizes and streams. The first chunk is made before the status line goes out, so that a failure there
     * is still a proper error response; later failures can only cut the stream short.
     */
    private int stream(HttpExchange ex, SpeechRequest req, long arrived) throws ApiException {
        Synthesizer voice = voices.get(req.voiceName());
        long deadline = arrived + config.requestTimeout().toNanos();
        long started = System.nanoTime();
        double audioSeconds = 0;
        ObjectNode sidecar = req.timings() ? json.createObjectNode() : null;
        ArrayNode words = sidecar != null ? sidecar.putArray("words") : null;
        ArrayNode sentences = sidecar != null ? sidecar.putArray("sentences") : null;
        AudioStream speech;
        try {
            speech = voice.synthesize(req.input(), req.options());
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Bad SSML, a speaker out of range, an unknown preset voice, ...: name the field when the message does.
            String m = String.valueOf(e.getMessage());
            throw ApiException.badRequest(m, m.startsWith("speaker") ? "speaker" : m.contains("SSML") ? "input" : m.contains("voice") ? "voice" : null);
        }
        try (speech) {
            Iterator<AudioChunk> chunks = speech.iterator();
            AudioChunk first;
            try {
                first = chunks.hasNext() ? chunks.next() : null;
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage(), "input"); // e.g. text the voice has no phonemes for
            } catch (PhonemizerException e) {
                throw new ApiException(500, "server_error", e.getMessage(), null, "phonemizer_unavailable");
            }
            if (System.nanoTime() > deadline) {
                metrics.timeout();
                throw new ApiException(504, "server_error", "the request took longer than " + config.requestTimeout().toMillis()
                        + " ms before its first audio", null, "timeout");
            }
            int rate = speech.sampleRate();
            ex.getResponseHeaders().set("Content-Type", req.format().contentType());
            ex.getResponseHeaders().set("X-Sotto-Sample-Rate", String.valueOf(req.format().outputRate(rate)));
            String timingsId = null;
            if (sidecar != null) {
                timingsId = UUID.randomUUID().toString();
                ex.getResponseHeaders().set("X-Sotto-Timings", "/v1/audio/timings/" + timingsId);
            }
            OutputStream out = ex.getResponseBody();
            try {
                ex.sendResponseHeaders(200, 0); // chunked
                AudioEncoder encoder = req.format().encoder(out, rate);
                double offset = 0;
                int lastSentence = -1;
                for (AudioChunk c = first; c != null; c = chunks.hasNext() ? chunks.next() : null) { // hasNext() synthesizes
                    encoder.write(c.samples(), 0, c.samples().length);
                    out.flush();
                    if (c == first) {
                        metrics.firstByte((System.nanoTime() - arrived) / 1e9);
                    }
                    if (sidecar != null) {
                        lastSentence = record(c, offset, words, sentences, lastSentence);
                    }
                    offset += c.seconds();
                    audioSeconds = offset;
                    if (System.nanoTime() > deadline) {
                        // Checked before synthesizing more: a stream cut short is all a started response can say.
                        metrics.timeout();
                        LOG.warning("request reached its " + config.requestTimeout().toMillis() + " ms limit; stream cut short");
                        break;
                    }
                }
                encoder.finish();
                out.close();
            } catch (IOException e) {
                metrics.disconnect(); // the client went away: stop synthesizing
                return 499;
            }
            if (sidecar != null) {
                sidecar.put("audio_seconds", audioSeconds);
                synchronized (timings) {
                    timings.put(timingsId, sidecar.toString());
                }
            }
            return 200;
        } finally {
            metrics.synthesized(audioSeconds, (System.nanoTime() - started) / 1e9);
        }
    }

    /** Adds a chunk's words (and a sentence entry when one starts) to the timings sidecar, times in seconds. */
    private static int record(AudioChunk c, double offset, ArrayNode words, ArrayNode sentences, int lastSentence) {
        if (c.text().isEmpty()) {
            return lastSentence; // an SSML pause
        }
        if (c.sentence() != lastSentence) {
            sentences.addObject().put("index", c.sentence()).put("text", c.text()).put("start", offset);
        }
        for (Timing w : c.wordTimings()) {
            words.addObject().put("word", w.label()).put("start", offset + w.startSeconds(c.sampleRate()))
                    .put("end", offset + w.endSeconds(c.sampleRate()));
        }
        return c.sentence();
    }

    /** The sidecar as bytes (for {@code GET /v1/audio/timings/ID}). */
    static byte[] bytes(String sidecar) {
        return sidecar.getBytes(StandardCharsets.UTF_8);
    }
}

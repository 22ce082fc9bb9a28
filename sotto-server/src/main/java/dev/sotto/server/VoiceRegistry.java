package dev.sotto.server;

import dev.sotto.api.AudioChunk;
import dev.sotto.api.AudioStream;
import dev.sotto.api.PhraseCache;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Synthesizer;
import dev.sotto.api.Voice;
import dev.sotto.io.VoiceNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The synthesizers a server speaks with, by name; the first is the default (what OpenAI's own voice names select).
 * Any {@link Synthesizer} can be served: a local voice of any family, a cloud service, a hybrid of the two. Names
 * are looked up in this map only, never turned into paths, so a request cannot reach any other file.
 */
public final class VoiceRegistry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VoiceRegistry.class.getName());
    private final Map<String, Synthesizer> voices = new LinkedHashMap<>();

    /**
     * What a requested voice name stands for: a registered synthesizer, and the preset voice of it to use (null for
     * its default).
     */
    record Resolved(String name, String presetVoice) {
    }

    /** Adds {@code voice} under {@code name}; names must be unique. Returns this registry. */
    public VoiceRegistry add(String name, Synthesizer voice) {
        if (name == null || !name.matches(VoiceNames.PATTERN)) {
            throw new IllegalArgumentException("voice name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
        if (voices.putIfAbsent(name, voice) != null) {
            throw new IllegalArgumentException("two voices are named '" + name + "'");
        }
        return this;
    }

    public List<String> names() {
        return new ArrayList<>(voices.keySet());
    }

    public boolean isEmpty() {
        return voices.isEmpty();
    }

    String defaultName() {
        return voices.keySet().iterator().next();
    }

    /**
     * What {@code requested} stands for, or null: a registered name; {@code NAME:PRESET} (a preset voice of one); a
     * preset voice's name alone (the first synthesizer that has it); an OpenAI voice name (the default).
     */
    Resolved resolve(String requested) {
        if (voices.containsKey(requested)) {
            return new Resolved(requested, null);
        }
        int colon = requested.indexOf(':');
        if (colon > 0) {
            String name = requested.substring(0, colon);
            String preset = requested.substring(colon + 1);
            Synthesizer s = voices.get(name);
            return s != null && s.listing().presetVoices().contains(preset) ? new Resolved(name, preset) : null;
        }
        for (Map.Entry<String, Synthesizer> e : voices.entrySet()) {
            if (e.getValue().listing().presetVoices().contains(requested)) {
                return new Resolved(e.getKey(), requested);
            }
        }
        if (SpeechRequest.OPENAI_VOICES.contains(requested) && !voices.isEmpty()) {
            return new Resolved(defaultName(), null);
        }
        return null;
    }

    Synthesizer get(String name) {
        return voices.get(name);
    }

    Map<String, Synthesizer> all() {
        return voices;
    }

    /** What {@link #warmUp} says, in every language's voice: plain Latin letters any front end reads. */
    static final String WARM_UP_TEXT = "Hello, this is a short sentence to warm the voice up.";

    /**
     * Synthesizes a short sentence with every local voice, again and again until a run is no longer clearly faster
     * than the one before (at most {@code maxRuns} per voice, {@code budget} in all), and returns the runs made. A
     * fresh JVM runs the vector kernels as slow Java fallbacks until the JIT has compiled them, which made the first
     * request to a new server take seconds; warmed before it listens, the server answers its first request as fast
     * as its hundredth. Cloud voices are not called. Nothing is cached (call before {@link #useCache}).
     */
    public int warmUp(Duration budget, int maxRuns) {
        long deadline = System.nanoTime() + budget.toNanos();
        int runs = 0;
        for (Synthesizer s : voices.values()) {
            if (!(s instanceof Voice v)) {
                continue;
            }
            long previous = Long.MAX_VALUE;
            for (int run = 0; run < maxRuns && System.nanoTime() < deadline; run++) {
                long t0 = System.nanoTime();
                try (AudioStream audio = v.synthesize(WARM_UP_TEXT, SynthesisOptions.defaults())) {
                    for (AudioChunk ignored : audio) {
                        // drained: the work is the point
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "warm-up of a voice failed; it will warm on its first request", e);
                    break;
                }
                runs++;
                long took = System.nanoTime() - t0;
                if (previous != Long.MAX_VALUE && took > previous - previous / 5) {
                    break; // no longer getting faster (by a fifth): compiled
                }
                previous = took;
            }
        }
        return runs;
    }

    /** Lets the local voices replay repeated requests from {@code cache} (one cache serves all: keys hold each voice's identity). */
    void useCache(PhraseCache cache) {
        for (Synthesizer s : voices.values()) {
            if (s instanceof Voice v) {
                v.useCache(cache);
            }
        }
    }

    @Override
    public void close() {
        voices.values().forEach(Synthesizer::close);
    }
}

package dev.sotto.api;

/**
 * Anything that turns text into speech: a local {@link Voice}, a cloud service, or a policy choosing between them.
 * Implementations are thread-safe.
 */
public interface Synthesizer extends AutoCloseable {
    /** What this synthesizer is, for logs ("local:en_US-lessac-medium", "cloud:https://..."). */
    String describe();

    /** What it speaks: languages, sample rate, speakers and preset voices. */
    VoiceListing listing();

    /**
     * Speech for {@code text}. Problems found before any audio (bad options, an unreachable service) are thrown
     * here; the stream itself produces the audio as it is read.
     */
    AudioStream synthesize(String text, SynthesisOptions options);

    @Override
    void close();
}

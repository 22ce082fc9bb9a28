package dev.sotto.model;

import dev.sotto.kernel.Kernels;

/**
 * A loaded speech model of any family: immutable weights (usually memory-mapped from a GGUF file) that any number
 * of threads may use at once, each {@link #prepare}d utterance keeping its own state. The API above it
 * ({@code dev.sotto.api.Voice}) never names a family: what a model needs from text, its rate, speakers, preset
 * voices and tunable parameters are all in {@link #info()}.
 */
public interface SpeechModel extends AutoCloseable {

    /** What the model is and needs; fixed for its lifetime. */
    ModelInfo info();

    /**
     * Prepares one utterance. Problems with the input or the settings (an id outside the vocabulary, an unknown
     * preset voice, a parameter out of range) are thrown here as {@link IllegalArgumentException}, before any audio;
     * the utterance then computes its audio as it is read.
     */
    Utterance prepare(ModelInput input, GenerationSettings settings, Kernels kernels);

    /** Releases the weights; utterances must not be read afterwards. */
    @Override
    void close();
}

package dev.sotto.model;

import dev.sotto.kernel.Kernels;
import java.io.IOException;
import java.nio.file.Path;

/** A model that can make a voice from a recording of someone speaking (Pocket TTS, with its Mimi encoder). */
public interface VoiceCloning {
    /** Recordings shorter than this (seconds) are refused: too little of the voice to go on. */
    double minSeconds();

    /** Only the first this many seconds of a recording are used (as upstream does). */
    double maxSeconds();

    /** Null when this model can make voices, else why it cannot (say, a model file without its encoder). */
    String cloningUnavailable();

    /**
     * Makes a voice from mono samples at the model's sample rate (already cut to {@link #maxSeconds()}) and writes it
     * to {@code out} in the family's voice file format, atomically.
     */
    void cloneVoice(float[] samples, Path out, Kernels kernels) throws IOException;
}

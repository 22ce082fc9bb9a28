package dev.sotto.model;

import dev.sotto.gguf.GgufFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns a model file of another format into GGUF when it is loaded (a Piper {@code .onnx} voice, say), found with
 * {@link java.util.ServiceLoader}. Applications that only load GGUF files need none, and so none of their
 * dependencies.
 */
public interface ModelConverter {

    /** Whether this converter reads {@code path} (by its name). */
    boolean accepts(Path path);

    /** The format, for messages ("Piper ONNX voice (.onnx + .onnx.json)"). */
    String format();

    /** Converts {@code path} and returns the result opened (converted in full precision; nothing left on disk). */
    GgufFile convert(Path path) throws IOException;
}

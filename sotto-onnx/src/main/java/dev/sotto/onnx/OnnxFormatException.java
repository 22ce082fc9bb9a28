package dev.sotto.onnx;

import java.io.IOException;

/** An ONNX file that cannot be read, or a graph that is not what the importer expects. The message says what. */
public final class OnnxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

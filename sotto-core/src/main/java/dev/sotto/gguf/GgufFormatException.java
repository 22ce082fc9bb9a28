package dev.sotto.gguf;

import java.io.IOException;

/** A GGUF file that is malformed, truncated, hostile or not supported. The message names the field and offset. */
public final class GgufFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public GgufFormatException(String message) {
        super(message);
    }
}

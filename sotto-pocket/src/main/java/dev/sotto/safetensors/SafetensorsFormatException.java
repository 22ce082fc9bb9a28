package dev.sotto.safetensors;

import java.io.IOException;

/** A safetensors file that is malformed or not what was expected; the message says what and where. */
public final class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafetensorsFormatException(String message) {
        super(message);
    }
}

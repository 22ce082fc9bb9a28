package dev.sotto.pocket.convert;

import java.io.IOException;

/** A model file, config or tokenizer that cannot be converted: the message says which and why. */
public final class ConversionException extends IOException {
    private static final long serialVersionUID = 1L;

    public ConversionException(String message) {
        super(message);
    }
}

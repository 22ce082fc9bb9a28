package dev.sotto.api;

/** The text held nothing the voice can speak (only unreadable scripts, symbols or punctuation): no audio at all. */
public final class NothingToSayException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public NothingToSayException(String message) {
        super(message);
    }
}

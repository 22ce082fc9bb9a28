package dev.sotto.text;

/** A phonemizer that cannot run here (library missing, unknown voice); the message says what to do. */
public final class PhonemizerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PhonemizerException(String message) {
        super(message);
    }

    public PhonemizerException(String message, Throwable cause) {
        super(message, cause);
    }
}

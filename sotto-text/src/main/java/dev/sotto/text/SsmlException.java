package dev.sotto.text;

/** SSML that cannot be spoken: malformed markup or a bad attribute value; the message says where and what. */
public final class SsmlException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SsmlException(String message) {
        super(message);
    }
}

package dev.sotto.cloud;

/** The cloud did not deliver speech; {@link #kind()} says how, the message says what to do or what it said. */
public final class CloudException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How a cloud request failed. */
    public enum Kind {
        /** Connection refused, DNS failure, network down. */
        UNREACHABLE,
        /** No response within the first-byte timeout. */
        TIMEOUT,
        /** HTTP 429. */
        RATE_LIMITED,
        /** HTTP 5xx. */
        SERVER_ERROR,
        /** Another HTTP error (bad key, bad request): retrying elsewhere will not help the request itself. */
        REJECTED,
        /** Not attempted: the policy or the circuit breaker kept the request local. */
        NOT_ALLOWED
    }

    private final Kind kind;
    private final int status;

    public CloudException(Kind kind, String message, int status) {
        super(message);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, 0 when there was none. */
    public int status() {
        return status;
    }
}

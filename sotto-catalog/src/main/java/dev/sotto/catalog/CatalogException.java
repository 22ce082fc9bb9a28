package dev.sotto.catalog;

/** A catalog or download problem; the message says what happened and what to do. Nothing is left half-installed. */
public final class CatalogException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean notFound;

    public CatalogException(String message) {
        this(message, false);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
        this.notFound = false;
    }

    private CatalogException(String message, boolean notFound) {
        super(message);
        this.notFound = notFound;
    }

    /** The server has no such file (HTTP 404). */
    static CatalogException notFound(String message) {
        return new CatalogException(message, true);
    }

    /** Whether the file asked for does not exist on the server (as opposed to a failed or corrupted transfer). */
    public boolean isNotFound() {
        return notFound;
    }
}

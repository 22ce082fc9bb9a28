package dev.sotto.catalog;

/** A catalog or download problem; the message says what happened and what to do. Nothing is left half-installed. */
public final class CatalogException extends Exception {
    private static final long serialVersionUID = 1L;

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}

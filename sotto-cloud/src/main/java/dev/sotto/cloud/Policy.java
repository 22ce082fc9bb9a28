package dev.sotto.cloud;

import java.util.Locale;

/** Where speech is made. */
public enum Policy {
    /** On the device only: text never leaves it, no connection is ever opened. The default. */
    LOCAL_ONLY,
    /** The local voice; the cloud only when the local voice is missing or fails. */
    LOCAL_FIRST,
    /** The cloud; the local voice when the cloud is unreachable, times out, errs, or its circuit breaker is open. */
    CLOUD_FIRST;

    /** {@code local-only}, {@code local-first}, {@code cloud-first} (any case, - or _). */
    public static Policy parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("policy must be local-only, local-first or cloud-first, not '" + s + "'");
        }
    }
}

package dev.sotto.io;

/**
 * The names voices go by (installed voices, preset voices, a server's voices): letters, digits, '_', '-' and '.',
 * starting with a letter or digit, at most 128 characters. Such a name is looked up or used as one file name, never
 * as a path.
 */
public final class VoiceNames {
    /** The shape of a voice name. */
    public static final String PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";

    private VoiceNames() {
    }

    /** Whether {@code name} has the shape and no "..", so that it can name a file in a directory and nothing else. */
    public static boolean isFileSafe(String name) {
        return name != null && name.matches(PATTERN) && !name.contains("..");
    }
}

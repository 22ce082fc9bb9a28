package dev.sotto.text;

import java.util.Locale;

/** Chooses a phonemizer by name: "espeak", "java" (pure-Java English) or "auto" (espeak-ng when installed). */
public final class Phonemizers {
    private Phonemizers() {
    }

    /**
     * @param name espeak, java or auto
     * @param voice espeak voice such as en-us (the Java phonemizer speaks en-us only)
     */
    public static Phonemizer create(String name, String voice) {
        String v = voice == null || voice.isBlank() ? "en-us" : voice;
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "espeak" -> new EspeakPhonemizer(v);
            case "java" -> java(v);
            case "auto" -> EspeakPhonemizer.available() ? new EspeakPhonemizer(v) : java(v);
            default -> throw new IllegalArgumentException("phonemizer must be espeak, java or auto, not '" + name + "'");
        };
    }

    private static Phonemizer java(String voice) {
        String lang = voice.toLowerCase(Locale.ROOT);
        if (!lang.equals("en") && !lang.startsWith("en-us") && !lang.equals("en-gb") && !lang.startsWith("en_")) {
            throw new PhonemizerException("the pure-Java phonemizer speaks English (en-us) only, not '" + voice
                    + "'; install espeak-ng for other languages");
        }
        return new CmuPhonemizer();
    }
}

package dev.sotto.text;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * espeak-ng, loaded at run time from the system library through {@code java.lang.foreign} (it is GPL and never
 * bundled), used the way Piper uses it: clause by clause, each clause's IPA followed by its punctuation ("." "?"
 * "!" ", " ": " "; "), language-switch markers such as "(fr)" removed, NFD; a sentence ends at ". ? !".
 *
 * <p>espeak-ng keeps global state, so all calls are serialised on one lock. espeak-ng 1.51 (Debian 12) lacks
 * {@code espeak_TextToPhonemesWithTerminator}; there the clause's punctuation is read from the text espeak
 * consumed for the clause, which gives the same terminators for the punctuation Piper distinguishes.
 */
public final class EspeakPhonemizer implements Phonemizer {
    static final String LIBRARY = "libespeak-ng.so.1";
    private static final int AUDIO_OUTPUT_SYNCHRONOUS = 2;
    private static final int CHARS_UTF8 = 1;
    private static final int PHONEMES_IPA = 0x02;
    private static final Pattern LANGUAGE_SWITCH = Pattern.compile("\\([^()]*\\)");
    private static final Object LOCK = new Object();

    private static Native lib;
    private static String currentVoice;

    private final String voice;

    /** The library's entry points, bound once. */
    private record Native(MethodHandle setVoiceByName, MethodHandle textToPhonemes, String version) {
    }

    /**
     * An espeak-ng phonemizer for {@code voice} (e.g. "en-us", "de", "fr-fr").
     *
     * @throws PhonemizerException if the library is missing or the voice unknown
     */
    public EspeakPhonemizer(String voice) {
        this.voice = Objects.requireNonNull(voice, "voice");
        synchronized (LOCK) {
            load();
            select(voice);
        }
    }

    /** Whether espeak-ng can be loaded on this machine. */
    public static boolean available() {
        try {
            synchronized (LOCK) {
                load();
            }
            return true;
        } catch (PhonemizerException e) {
            return false;
        }
    }

    private static void load() {
        if (lib != null) {
            return;
        }
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new PhonemizerException("espeak-ng is not installed (" + LIBRARY + " not found). Install it, e.g. "
                    + "'sudo apt-get install espeak-ng' on Debian/Ubuntu, or use the pure-Java phonemizer.", e);
        }
        Linker linker = Linker.nativeLinker();
        try {
            MethodHandle init = linker.downcallHandle(lookup.find("espeak_Initialize").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle setVoice = linker.downcallHandle(lookup.find("espeak_SetVoiceByName").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle toPhonemes = linker.downcallHandle(lookup.find("espeak_TextToPhonemes").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle info = linker.downcallHandle(lookup.find("espeak_Info").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            int rate = (int) init.invokeExact(AUDIO_OUTPUT_SYNCHRONOUS, 0, MemorySegment.NULL, 0);
            if (rate < 0) {
                throw new PhonemizerException("espeak-ng failed to initialise (is its data, espeak-ng-data, installed?)");
            }
            MemorySegment v = (MemorySegment) info.invokeExact(MemorySegment.NULL);
            String version = v.equals(MemorySegment.NULL) ? "?" : v.reinterpret(256).getString(0, StandardCharsets.UTF_8);
            lib = new Native(setVoice, toPhonemes, version);
        } catch (PhonemizerException e) {
            throw e;
        } catch (Throwable t) {
            throw new PhonemizerException("espeak-ng could not be bound: " + t, t);
        }
    }

    private static void select(String voice) {
        if (voice.equals(currentVoice)) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) lib.setVoiceByName.invokeExact(arena.allocateFrom(voice, StandardCharsets.UTF_8));
            if (rc != 0) {
                currentVoice = null;
                throw new PhonemizerException("espeak-ng has no voice '" + voice + "' (see 'espeak-ng --voices')");
            }
            currentVoice = voice;
        } catch (PhonemizerException e) {
            throw e;
        } catch (Throwable t) {
            throw new PhonemizerException("espeak-ng failed to select voice '" + voice + "': " + t, t);
        }
    }

    @Override
    public String describe() {
        return "espeak-ng " + lib.version + " (" + voice + ")";
    }

    /** One clause: its IPA and the punctuation that ended it (0 if none). */
    record Clause(String phonemes, char terminator) {
    }

    /** espeak's clauses of {@code text}, in order. */
    List<Clause> clauses(String text) {
        List<Clause> out = new ArrayList<>();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        synchronized (LOCK) {
            select(voice);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(utf8.length + 1L);
                MemorySegment.copy(utf8, 0, buffer, ValueLayout.JAVA_BYTE, 0, utf8.length);
                MemorySegment pointer = arena.allocate(ValueLayout.ADDRESS);
                pointer.set(ValueLayout.ADDRESS, 0, buffer);
                long consumed = 0;
                while (true) {
                    MemorySegment at = pointer.get(ValueLayout.ADDRESS, 0);
                    if (at.equals(MemorySegment.NULL)) {
                        break;
                    }
                    MemorySegment result = (MemorySegment) lib.textToPhonemes.invokeExact(pointer, CHARS_UTF8, PHONEMES_IPA);
                    String ipa = result.equals(MemorySegment.NULL) ? ""
                            : result.reinterpret(Integer.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
                    MemorySegment next = pointer.get(ValueLayout.ADDRESS, 0);
                    long end = next.equals(MemorySegment.NULL) ? utf8.length : next.address() - buffer.address();
                    end = Math.max(consumed, Math.min(end, utf8.length));
                    String piece = new String(utf8, (int) consumed, (int) (end - consumed), StandardCharsets.UTF_8);
                    consumed = end;
                    if (!next.equals(MemorySegment.NULL) && !piece.isEmpty()) {
                        // espeak reads one character past a clause's punctuation and following space before it
                        // returns; that character belongs to the next clause.
                        piece = piece.substring(0, piece.offsetByCodePoints(piece.length(), -1));
                    }
                    out.add(new Clause(ipa, terminator(piece)));
                }
            } catch (PhonemizerException e) {
                throw e;
            } catch (Throwable t) {
                throw new PhonemizerException("espeak-ng failed: " + t, t);
            }
        }
        return out;
    }

    /** The punctuation that ends a clause's text, looking past spaces, quotes and closing brackets. */
    static char terminator(String piece) {
        for (int i = piece.length() - 1; i >= 0; i--) {
            char c = piece.charAt(i);
            if (Character.isWhitespace(c) || "\"'”’»)]}".indexOf(c) >= 0) {
                continue;
            }
            return switch (c) {
                case '.', '?', '!', ',', ':', ';' -> c;
                case '…' -> '.';
                default -> 0;
            };
        }
        return 0;
    }

    @Override
    public List<String> phonemize(String text) {
        List<String> sentences = new ArrayList<>();
        StringBuilder sentence = new StringBuilder();
        for (Clause c : clauses(text)) {
            String ipa = LANGUAGE_SWITCH.matcher(c.phonemes()).replaceAll("");
            sentence.append(Normalizer.normalize(ipa, Normalizer.Form.NFD));
            switch (c.terminator()) {
                case '.' -> sentence.append('.');
                case '?' -> sentence.append('?');
                case '!' -> sentence.append('!');
                case ',' -> sentence.append(", ");
                case ':' -> sentence.append(": ");
                case ';' -> sentence.append("; ");
                default -> {
                }
            }
            boolean ends = c.terminator() == '.' || c.terminator() == '?' || c.terminator() == '!' || c.terminator() == 0;
            if (ends) {
                String s = sentence.toString().strip();
                if (!s.isEmpty()) {
                    sentences.add(s);
                }
                sentence.setLength(0);
            }
        }
        String rest = sentence.toString().strip();
        if (!rest.isEmpty()) {
            sentences.add(rest);
        }
        return sentences;
    }
}

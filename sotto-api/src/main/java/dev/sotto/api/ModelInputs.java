package dev.sotto.api;

import dev.sotto.model.ModelInfo;
import dev.sotto.model.ModelInput;
import dev.sotto.model.TextInput;
import dev.sotto.text.EnglishNormalizer;
import dev.sotto.text.PhonemeIdMap;
import dev.sotto.text.Phonemizers;
import dev.sotto.text.SentenceSplitter;
import dev.sotto.text.TextFrontEnd;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the text of a request into what the voice's model needs ({@link TextInput}): for phoneme-based voices,
 * sentences phonemized by the front end and mapped to the model's ids; for models that read text, the text itself
 * (normalized only when asked for).
 */
final class ModelInputs {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ModelInputs.class.getName());

    /**
     * One utterance's input.
     *
     * @param input what the model receives
     * @param text the written sentence (or passage)
     * @param phonemes the phonemes spoken, or "" for models that read text
     * @param symbols the symbol each phoneme id stands for (for timings), or null
     */
    record Sentence(ModelInput input, String text, String phonemes, String[] symbols) {
    }

    private final TextFrontEnd frontEnd;     // phoneme-based voices
    private final PhonemeIdMap idMap;        // phoneme-based voices
    private final EnglishNormalizer normalizer; // text models, when asked for

    private ModelInputs(TextFrontEnd frontEnd, PhonemeIdMap idMap, EnglishNormalizer normalizer) {
        this.frontEnd = frontEnd;
        this.idMap = idMap;
        this.normalizer = normalizer;
    }

    static ModelInputs create(ModelInfo info, SynthesisOptions options) {
        return switch (info.textInput()) {
            case TextInput.Phonemes p -> new ModelInputs(new TextFrontEnd(new SentenceSplitter(),
                    Boolean.FALSE.equals(options.normalize()) ? null : new EnglishNormalizer(),
                    Phonemizers.create(options.phonemizer(), p.phonemizerVoice()), options.lexicon()), idMap(info.name(), p), null);
            case TextInput.Text t -> new ModelInputs(null, null, Boolean.TRUE.equals(options.normalize()) ? new EnglishNormalizer() : null);
        };
    }

    /** The voice's phoneme id map; an error for a voice without one (it can only speak ids). */
    static PhonemeIdMap idMap(String voice, TextInput.Phonemes p) {
        if (p.idMap().isEmpty()) {
            throw new IllegalStateException("voice '" + voice + "' has no phoneme id map; it cannot speak text, only phoneme ids");
        }
        try {
            return new PhonemeIdMap(p.idMap(), p.phonemeMap());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("voice '" + voice + "' has a broken phoneme id map: " + e.getMessage(), e);
        }
    }

    /** Whether the model speaks one sentence at a time (so the request is split into sentences first). */
    boolean splitsSentences() {
        return frontEnd != null;
    }

    /** The utterances of one run of text: a sentence each for phoneme-based voices, the run for text models. */
    List<Sentence> of(String text) {
        List<Sentence> out = new ArrayList<>();
        if (frontEnd == null) {
            String t = normalizer == null ? text : normalizer.normalize(text);
            if (!t.isBlank()) {
                out.add(new Sentence(new ModelInput.Text(t), text, "", null));
            }
            return out;
        }
        reportUnreadable(frontEnd.unreadable(text));
        for (String phonemes : frontEnd.phonemes(text)) {
            PhonemeIdMap.Ids ids = idMap.sentence(phonemes);
            out.add(new Sentence(new ModelInput.PhonemeIds(ids.ids()), text, phonemes, ids.symbols()));
        }
        return out;
    }

    /** Most distinct skipped characters reported per request (then one last note). */
    private static final int MAX_REPORTED = 64;
    private final java.util.Set<Integer> reported = new java.util.HashSet<>();

    /** Warns once per request about each character the phonemizer passes over, so that nothing is left out silently. */
    private void reportUnreadable(String unreadable) {
        if (unreadable.isEmpty() || reported.size() > MAX_REPORTED) {
            return;
        }
        StringBuilder fresh = new StringBuilder();
        unreadable.codePoints().filter(reported::add).forEach(fresh::appendCodePoint);
        if (!fresh.isEmpty()) {
            LOG.warning("skipped what the phonemizer cannot read: " + fresh + (reported.size() > MAX_REPORTED ? " (and no more of these notes)" : ""));
        }
    }

    /** The phonemes of each sentence of {@code text} (phoneme-based voices). */
    List<String> phonemes(String text) {
        requirePhonemes();
        return frontEnd.phonemes(text);
    }

    private void requirePhonemes() {
        if (frontEnd == null) {
            throw new IllegalStateException("this voice reads text itself; it has no phonemes");
        }
    }
}

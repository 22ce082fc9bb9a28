package dev.sotto.model;

import java.util.List;
import java.util.Map;

/** What a model needs from text: phonemes mapped to its ids, or the written text itself. */
public sealed interface TextInput {

    /**
     * The text is phonemized (IPA, espeak-ng conventions) for {@code phonemizerVoice} and each phoneme mapped to ids
     * through {@code idMap}; {@code phonemeMap} first rewrites phonemes the model does not have (Piper's
     * {@code phoneme_map}). Sentences are spoken one utterance each.
     */
    record Phonemes(String phonemizerVoice, Map<String, int[]> idMap, Map<String, List<String>> phonemeMap) implements TextInput {
        public Phonemes {
            idMap = Map.copyOf(idMap);
            phonemeMap = Map.copyOf(phonemeMap);
        }
    }

    /**
     * The written text goes to the model, which prepares, tokenizes and splits it itself; a whole passage is one
     * utterance. {@code language} is a BCP-47-like tag ("en").
     */
    record Text(String language) implements TextInput {
    }
}

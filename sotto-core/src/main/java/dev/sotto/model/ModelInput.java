package dev.sotto.model;

/** What an utterance is made from: the form the model's {@link TextInput} asks for. */
public sealed interface ModelInput {

    /** Phoneme ids in the model's own id space (VITS / Piper: {@code ^ _ p _ p ... _ $}). */
    record PhonemeIds(int[] ids) implements ModelInput {
        public PhonemeIds {
            if (ids.length == 0) {
                throw new IllegalArgumentException("no phoneme ids to speak");
            }
            ids = ids.clone();
        }
    }

    /** Written text, which the model prepares and tokenizes itself (Pocket TTS). */
    record Text(String text) implements ModelInput {
        public Text {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("no text to speak");
            }
        }
    }
}

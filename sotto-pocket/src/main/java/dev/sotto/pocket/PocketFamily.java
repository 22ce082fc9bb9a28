package dev.sotto.pocket;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.model.ModelFamily;
import dev.sotto.model.SpeechModel;
import java.nio.file.Path;

/** The Pocket TTS family, registered for {@link java.util.ServiceLoader}. */
public final class PocketFamily implements ModelFamily {
    @Override
    public String architecture() {
        return PocketModel.ARCHITECTURE;
    }

    @Override
    public String description() {
        return "Pocket TTS";
    }

    @Override
    public SpeechModel load(GgufFile file, Path source) throws GgufFormatException {
        return PocketModel.load(file, source);
    }
}

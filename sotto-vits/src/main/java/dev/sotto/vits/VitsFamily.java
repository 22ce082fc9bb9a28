package dev.sotto.vits;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.model.ModelFamily;
import dev.sotto.model.SpeechModel;
import java.nio.file.Path;

/** The VITS family (Piper voices), registered for {@link java.util.ServiceLoader}. */
public final class VitsFamily implements ModelFamily {
    @Override
    public String architecture() {
        return VitsModel.ARCHITECTURE;
    }

    @Override
    public String description() {
        return "Piper (VITS)";
    }

    @Override
    public SpeechModel load(GgufFile file, Path source) throws GgufFormatException {
        return VitsModel.load(file);
    }
}

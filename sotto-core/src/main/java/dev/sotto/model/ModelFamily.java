package dev.sotto.model;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.KernelPath;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * A family of speech models, found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/dev.sotto.model.ModelFamily} of the family's jar) and chosen by the GGUF file's
 * {@code general.architecture}.
 */
public interface ModelFamily {

    /** The {@code general.architecture} value this family loads. */
    String architecture();

    /** The family's name for people ("Piper (VITS)"). */
    String description();

    /**
     * Loads a model from an open GGUF file, taking ownership of it (closed with the model, or here on failure).
     * {@code source} is where the file came from (for companion files such as preset voices), or null.
     */
    SpeechModel load(GgufFile file, Path source) throws GgufFormatException;

    /**
     * The kernel paths this family's models call, which the kernel warm-up compiles while a model loads (see
     * {@link dev.sotto.kernel.KernelWarmUp}); a path left out still works, it only starts cold. Default: all.
     */
    default Set<KernelPath> kernelPaths() {
        return EnumSet.allOf(KernelPath.class);
    }
}

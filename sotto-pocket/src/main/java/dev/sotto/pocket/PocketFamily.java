package dev.sotto.pocket;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.KernelPath;
import dev.sotto.model.ModelFamily;
import dev.sotto.model.SpeechModel;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

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

    /**
     * FlowLM's matrix-vector products and attention (softmax, dot, axpy), the flow head's SiLU, the transformers'
     * GELU, Mimi's convolutions, upsampling and ELU. Not the strided convolutions: only the Mimi encoder has them
     * (voices from recordings), which then starts cold.
     */
    @Override
    public Set<KernelPath> kernelPaths() {
        return EnumSet.of(KernelPath.CONVOLUTION, KernelPath.TRANSPOSED_CONVOLUTION, KernelPath.MATRIX_VECTOR_PRODUCT,
                KernelPath.ELU, KernelPath.SILU, KernelPath.GELU, KernelPath.SOFTMAX, KernelPath.AXPY, KernelPath.DOT);
    }
}

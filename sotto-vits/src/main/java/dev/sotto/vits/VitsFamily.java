package dev.sotto.vits;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.KernelPath;
import dev.sotto.model.ModelFamily;
import dev.sotto.model.SpeechModel;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

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

    /**
     * Convolutions and matrix products (text encoder, flow, decoder), the upsampling, the flow's gate, the decoder's
     * tanh, the duration predictor's GELU and the attention's softmax and dot products; matrix-vector products only
     * for a speaker embedding, once per sentence.
     */
    @Override
    public Set<KernelPath> kernelPaths() {
        return EnumSet.of(KernelPath.CONVOLUTION, KernelPath.TRANSPOSED_CONVOLUTION, KernelPath.GATE, KernelPath.TANH,
                KernelPath.GELU, KernelPath.SOFTMAX, KernelPath.DOT);
    }
}

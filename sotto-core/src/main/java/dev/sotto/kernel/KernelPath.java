package dev.sotto.kernel;

/**
 * The kinds of kernel call a model family makes, so that {@link KernelWarmUp} compiles those and no others: on a
 * two-core machine every path warmed up that the model never calls costs the first sentence C2 compiler time.
 */
public enum KernelPath {
    /**
     * {@link Kernels#conv1d} and {@link Kernels#matMul}: every route, tile and fusion but the strided one, and per
     * weight type the dequantizing of tiles.
     */
    CONVOLUTION(true, true),
    /** {@link Kernels#conv1d} with a stride above 1 (its own route: the samples each output reads, gathered first). */
    STRIDED_CONVOLUTION(true, false),
    /** {@link Kernels#convTranspose1d}. */
    TRANSPOSED_CONVOLUTION(true, false),
    /** {@link Kernels#matVec} and {@link Kernels#matVecBatch}, per weight type. */
    MATRIX_VECTOR_PRODUCT(false, true),
    /** {@link VectorMath#gate}. */
    GATE(true, false),
    /** {@link VectorMath#tanh}. */
    TANH(true, false),
    /** {@link VectorMath#elu}. */
    ELU(true, false),
    /** {@link VectorMath#silu}. */
    SILU(true, false),
    /** {@link VectorMath#gelu}. */
    GELU(true, false),
    /** {@link VectorMath#expShiftedSum}, the softmax's sum. */
    SOFTMAX(true, false),
    /** {@link VectorMath#axpy}. */
    AXPY(true, false),
    /** {@link VectorMath#dot} (the audio post-processing's time stretcher uses it too). */
    DOT(true, false);

    /** Whether the warm-up runs this path on F32 weights (its routes), and whether once more per weight type. */
    final boolean onF32;
    final boolean perWeightType;

    KernelPath(boolean onF32, boolean perWeightType) {
        this.onF32 = onF32;
        this.perWeightType = perWeightType;
    }
}

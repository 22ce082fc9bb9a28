package dev.sotto.tensor;

import java.util.Optional;

/**
 * Tensor element types of the ggml/GGUF family, looked up by their explicit on-disk id (never by ordinal).
 *
 * <p>Every id whose block layout is known is listed, so that a GGUF file holding, say, K-quant tensors can
 * still be opened and inspected; {@link #hasKernels()} says whether sotto can compute with the type.
 */
public enum GgmlType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),
    Q4_1(3, 32, 20, false),
    Q5_0(6, 32, 22, false),
    Q5_1(7, 32, 24, false),
    Q8_0(8, 32, 34, true),
    Q8_1(9, 32, 36, false),
    Q2_K(10, 256, 84, false),
    Q3_K(11, 256, 110, false),
    Q4_K(12, 256, 144, false),
    Q5_K(13, 256, 176, false),
    Q6_K(14, 256, 210, false),
    Q8_K(15, 256, 292, false),
    I8(24, 1, 1, false),
    I16(25, 1, 2, false),
    I32(26, 1, 4, false),
    I64(27, 1, 8, false),
    F64(28, 1, 8, false),
    BF16(30, 1, 2, false);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int blockBytes;
    private final boolean kernels;

    GgmlType(int id, int blockSize, int blockBytes, boolean kernels) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.kernels = kernels;
    }

    /** The type's id in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types, 32 for Q4_0/Q8_0). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Whether sotto's kernels can read this type. */
    public boolean hasKernels() {
        return kernels;
    }

    /** Lower-case name as used on the command line, e.g. {@code q8_0}. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The type with this GGUF id, if known. */
    public static Optional<GgmlType> byId(long id) {
        if (id < 0 || id >= BY_ID.length) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_ID[(int) id]);
    }

    /** Parses a command-line name such as {@code q4_0} or {@code F16}. */
    public static GgmlType parse(String name) {
        for (GgmlType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tensor type '" + name + "'");
    }

    /**
     * Bytes needed for {@code elements} values of this type.
     *
     * @throws IllegalArgumentException if {@code elements} is negative or not a whole number of blocks
     * @throws ArithmeticException on overflow
     */
    public long bytesFor(long elements) {
        if (elements < 0 || elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    elements + " elements is not a whole number of " + name() + " blocks of " + blockSize);
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** The weight format implementing this type's kernels. */
    public WeightFormat format() {
        return switch (this) {
            case F32 -> F32Format.INSTANCE;
            case F16 -> F16Format.INSTANCE;
            case Q8_0 -> Q8_0Format.INSTANCE;
            case Q4_0 -> Q4_0Format.INSTANCE;
            default -> throw new UnsupportedOperationException("no kernels for tensor type " + name() + " (id " + id + ")");
        };
    }
}

package dev.sotto.model;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufTensorInfo;
import dev.sotto.kernel.KernelWarmUp;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Loads any model file: GGUF files go to the {@link ModelFamily} named by their {@code general.architecture};
 * other formats go through a {@link ModelConverter} first. Families and converters are found on the class path.
 */
public final class ModelRegistry {
    private static final String ARCHITECTURE_KEY = "general.architecture";

    private ModelRegistry() {
    }

    /** The families on the class path. */
    public static List<ModelFamily> families() {
        return Holder.FAMILIES;
    }

    /** The family of {@code architecture}, if one is on the class path. */
    public static Optional<ModelFamily> family(String architecture) {
        return Holder.FAMILIES.stream().filter(f -> f.architecture().equals(architecture)).findFirst();
    }

    /** The converters on the class path. */
    public static List<ModelConverter> converters() {
        return Holder.CONVERTERS;
    }

    /**
     * Loads {@code path}: a GGUF model of any family on the class path, or a file a {@link ModelConverter} reads.
     * Malformed files end in {@link GgufFormatException} (or the converter's exception), naming what is wrong.
     */
    public static SpeechModel load(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such model file");
        }
        GgufFile file;
        Optional<ModelConverter> converter = converters().stream().filter(c -> c.accepts(path)).findFirst();
        if (converter.isPresent()) {
            file = converter.get().convert(path);
        } else {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".onnx")) {
                throw new GgufFormatException(path.getFileName() + " is an ONNX model: convert it first (sotto convert), or put sotto-onnx"
                        + " on the class path to convert Piper voices when they are loaded");
            }
            file = GgufFile.open(path);
        }
        return load(file, path);
    }

    /** Loads a model from an open GGUF file (taking ownership of it) by its architecture. */
    public static SpeechModel load(GgufFile file, Path source) throws GgufFormatException {
        ModelFamily family;
        try {
            String arch = file.requireString(ARCHITECTURE_KEY);
            family = family(arch).orElseThrow(() -> new GgufFormatException("no model family for architecture '" + arch
                    + "' is installed; known: " + known()));
        } catch (GgufFormatException | RuntimeException e) {
            file.close();
            throw e;
        }
        // Vector kernels get compiled in the background while the model loads and the text front end starts; the
        // first kernel call waits for them (see KernelWarmUp).
        KernelWarmUp.start(largestTensorOfEachType(file), family.kernelPaths());
        return family.load(file, source);
    }

    /** The data of the largest tensor of each type: weights for the kernel warm-up in the model's own memory. */
    private static Map<GgmlType, MemorySegment> largestTensorOfEachType(GgufFile file) {
        Map<GgmlType, GgufTensorInfo> largest = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : file.tensors()) {
            largest.merge(t.type(), t, (a, b) -> b.byteSize() > a.byteSize() ? b : a);
        }
        Map<GgmlType, MemorySegment> data = new EnumMap<>(GgmlType.class);
        largest.forEach((type, t) -> data.put(type, file.data(t)));
        return data;
    }

    private static String known() {
        return Holder.FAMILIES.isEmpty() ? "none" : Holder.FAMILIES.stream().map(f -> f.architecture() + " (" + f.description() + ")")
                .collect(Collectors.joining(", "));
    }

    /** Looked up once, when first needed. */
    private static final class Holder {
        static final List<ModelFamily> FAMILIES = ServiceLoader.load(ModelFamily.class, ModelRegistry.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
        static final List<ModelConverter> CONVERTERS = ServiceLoader.load(ModelConverter.class, ModelRegistry.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
    }
}

package dev.sotto.cli;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.onnx.PiperImporter;
import dev.sotto.tensor.GgmlType;
import dev.sotto.vits.VitsModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens what {@code -m} names: a sotto GGUF voice, or a Piper {@code .onnx} converted on the fly. */
final class Voices {
    private Voices() {
    }

    static VitsModel open(Path model, Path config) throws IOException {
        if (!Files.exists(model)) {
            throw new SottoCli.UserError("no such model file: " + model);
        }
        String name = model.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".onnx")) {
            Path json = config != null ? config : PiperImporter.defaultConfigPath(model);
            if (!Files.exists(json)) {
                throw new SottoCli.UserError("the Piper config " + json + " is missing (pass it with --config)");
            }
            Path tmp = Files.createTempFile("sotto-", ".gguf");
            try {
                PiperImporter.convert(model, json, tmp, GgmlType.F32);
                // The mapping stays valid after the file is deleted, so nothing is left behind.
                return VitsModel.load(GgufFile.open(tmp));
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        try {
            return VitsModel.load(GgufFile.open(model));
        } catch (GgufFormatException e) {
            throw new SottoCli.UserError("cannot load " + model.getFileName() + ": " + e.getMessage());
        }
    }

    /** The weight type named on the command line: f32, f16, q8_0 or q4_0. */
    static GgmlType weightType(String name) {
        try {
            GgmlType t = GgmlType.parse(name);
            if (t.hasKernels()) {
                return t;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new SottoCli.UserError("--type must be f32, f16, q8_0 or q4_0, not '" + name + "'");
    }

    /** The -m/--config options of the commands that load a voice, opening it as {@link #open} does. */
    static final class ModelOptions {
        @picocli.CommandLine.Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
                description = "a .gguf voice or a Piper .onnx (converted on the fly)")
        Path model;

        @picocli.CommandLine.Option(names = "--config", paramLabel = "JSON",
                description = "Piper config for an .onnx model (default: MODEL.json beside it)")
        Path config;

        VitsModel open() throws IOException {
            return Voices.open(model, config);
        }
    }

    /** The voice's Piper phoneme id map, from the {@code piper.phonemes} / {@code piper.phoneme_ids} metadata. */
    static dev.sotto.text.PhonemeIdMap phonemeIdMap(VitsModel m) {
        var phonemes = m.file().get("piper.phonemes");
        var ids = m.file().get("piper.phoneme_ids");
        if (phonemes.isEmpty() || ids.isEmpty()) {
            throw new SottoCli.UserError("this voice has no phoneme id map (piper.phonemes); it can only speak --phoneme-ids");
        }
        String[] names = phonemes.get().asArray().strings();
        dev.sotto.gguf.GgufArray[] lists = (dev.sotto.gguf.GgufArray[]) ids.get().asArray().values();
        java.util.Map<String, int[]> map = new java.util.HashMap<>();
        for (int i = 0; i < names.length && i < lists.length; i++) {
            int[] v = new int[lists[i].length()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (int) lists[i].integerAt(j);
            }
            map.put(names[i], v);
        }
        return new dev.sotto.text.PhonemeIdMap(map);
    }

    /** The espeak-ng voice the voice was trained with ({@code piper.espeak_voice}), else en-us. */
    static String espeakVoice(VitsModel m) {
        return m.file().get("piper.espeak_voice").map(v -> v.asString()).filter(s -> !s.isBlank()).orElse("en-us");
    }

    /** A float inference default stored by the importer, or {@code fallback}. */
    static float defaultFloat(VitsModel m, String key, float fallback) {
        return m.file().get(key).map(v -> (float) v.asDouble()).orElse(fallback);
    }

    /** Parses "1,0,20,0,2" (spaces allowed). */
    static int[] parseIds(String s) {
        String[] parts = s.trim().split("[,\\s]+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new SottoCli.UserError("--phoneme-ids must be comma-separated integers; '" + parts[i] + "' is not one");
            }
        }
        return ids;
    }
}

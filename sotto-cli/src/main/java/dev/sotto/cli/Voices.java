package dev.sotto.cli;

import dev.sotto.api.PiperVoices;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.tensor.GgmlType;
import dev.sotto.text.PhonemeIdMap;
import dev.sotto.vits.VitsModel;
import java.io.IOException;
import dev.sotto.catalog.VoiceHome;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.nio.file.Path;

/** Opens what {@code -m} names: a sotto GGUF voice, or a Piper {@code .onnx} converted on the fly. */
final class Voices {
    private Voices() {
    }

    /** The default English voice, which {@code sotto say} suggests downloading when no voice is installed. */
    static final String DEFAULT_VOICE = "en_US-lessac-medium";

    /**
     * What {@code -m} names: an existing file, else an installed voice of that name (see {@code sotto voices}).
     */
    static Path resolve(Path model) {
        String arg = model == null ? "" : model.toString();
        boolean looksLikeName = arg.matches(dev.sotto.catalog.VoiceCatalog.NAME_PATTERN) && !arg.endsWith(".gguf") && !arg.endsWith(".onnx");
        if (model == null || Files.exists(model) || !looksLikeName) {
            return model; // a path: the loader says if it is missing
        }
        Path installed = VoiceHome.fromEnvironment().installed(model.toString());
        if (installed != null) {
            return installed;
        }
        throw new SottoCli.UserError("no voice file '" + model + "' and no installed voice by that name: 'sotto voices list --installed' "
                + "shows what is installed, 'sotto voices download NAME' installs one");
    }

    /** The voice to use when none was named: the default English voice if installed, else the first installed one. */
    static Path defaultVoice() throws IOException {
        VoiceHome home = VoiceHome.fromEnvironment();
        List<String> names = home.installedNames();
        if (names.isEmpty()) {
            throw new SottoCli.UserError("no voice is installed. Get the default English voice with:\n  sotto voices download "
                    + DEFAULT_VOICE + "\nor pass -m VOICE.gguf (or a Piper .onnx)");
        }
        return home.voicePath(names.contains(DEFAULT_VOICE) ? DEFAULT_VOICE : names.get(0));
    }

    static VitsModel open(Path model, Path config) throws IOException {
        model = resolve(model);
        try {
            return PiperVoices.loadModel(model, config);
        } catch (NoSuchFileException e) {
            throw new SottoCli.UserError(e.getReason() + ": " + e.getFile());
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
                description = "a .gguf voice, a Piper .onnx (converted on the fly) or an installed voice's name")
        Path model;

        @picocli.CommandLine.Option(names = "--config", paramLabel = "JSON",
                description = "Piper config for an .onnx model (default: MODEL.json beside it)")
        Path config;

        VitsModel open() throws IOException {
            model = resolve(model);
            return Voices.open(model, config);
        }
    }

    /** The voice's Piper phoneme id map; an error for a voice without one. */
    static PhonemeIdMap phonemeIdMap(VitsModel m) throws GgufFormatException {
        PhonemeIdMap map = PiperVoices.phonemeIdMap(m.file());
        if (map == null) {
            throw new SottoCli.UserError("this voice has no phoneme id map (piper.phonemes); it can only speak --phoneme-ids");
        }
        return map;
    }

    static String espeakVoice(VitsModel m) {
        return PiperVoices.espeakVoice(m.file());
    }

    static float defaultFloat(VitsModel m, String key, float fallback) {
        return PiperVoices.inferenceDefault(m.file(), key, fallback);
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

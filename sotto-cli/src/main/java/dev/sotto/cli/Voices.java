package dev.sotto.cli;

import dev.sotto.api.Voice;
import dev.sotto.catalog.VoiceCatalog;
import dev.sotto.catalog.VoiceHome;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.kernel.Kernels;
import dev.sotto.onnx.PiperImporter;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Finds and opens what {@code -m} names: a voice file of any family, a Piper {@code .onnx}, or an installed voice's name. */
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
        boolean looksLikeName = arg.matches(VoiceCatalog.NAME_PATTERN) && !arg.endsWith(".gguf") && !arg.endsWith(".onnx");
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

    /**
     * Opens a voice: a GGUF voice of any family, or a Piper {@code .onnx} converted on the fly (with its config at
     * {@code config}, or {@code VOICE.onnx.json} beside it when null). Problems with the file are the user's to fix.
     */
    static Voice open(Path model, Path config) throws IOException {
        return open(model, config, Kernels.shared());
    }

    /** {@link #open(Path, Path)} computing on {@code kernels}. */
    static Voice open(Path model, Path config, Kernels kernels) throws IOException {
        model = resolve(model);
        try {
            if (config != null && model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
                Path tmp = Files.createTempFile("sotto-", ".gguf");
                try {
                    PiperImporter.convert(model, config, tmp, GgmlType.F32);
                    return Voice.load(tmp, kernels); // mapped: the file may go at once
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return Voice.load(model, kernels);
        } catch (NoSuchFileException e) {
            throw new SottoCli.UserError((e.getReason() == null ? "no such file" : e.getReason()) + ": " + e.getFile());
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

package dev.sotto.cli;

import dev.sotto.catalog.CatalogException;
import dev.sotto.catalog.PocketInstaller;
import dev.sotto.catalog.VoiceCatalog;
import dev.sotto.catalog.VoiceHome;
import dev.sotto.catalog.VoiceInstaller;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sotto voices list|download|remove}: Piper's voice catalog, the published Pocket TTS variants, and the installed
 * voices.
 */
@Command(name = "voices", mixinStandardHelpOptions = true, description = "List, download and remove voices (Piper's catalog and the"
        + " Pocket TTS variants).",
        subcommands = {VoicesCommand.ListVoices.class, VoicesCommand.Download.class, VoicesCommand.Remove.class})
final class VoicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    static final class Source {
        @Option(names = "--base-url", paramLabel = "URL", description = "where the files are: for Piper voices voices.json and its files"
                + " (default: SOTTO_VOICES_URL, else " + VoiceInstaller.DEFAULT_BASE_URL + "); for Pocket TTS variants REVISION/PATH"
                + " (default: SOTTO_POCKET_URL, else " + PocketInstaller.DEFAULT_BASE_URL + ")")
        String baseUrl;

        VoiceInstaller installer(VoiceHome home) {
            try {
                return VoiceInstaller.fromEnvironment(home, baseUrl);
            } catch (IllegalArgumentException e) {
                throw new SottoCli.UserError(e.getMessage());
            }
        }

        PocketInstaller pocket(VoiceHome home) {
            try {
                return PocketInstaller.fromEnvironment(home, baseUrl);
            } catch (IllegalArgumentException e) {
                throw new SottoCli.UserError(e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Voices in the catalog (or, with --installed, on this machine).")
    static final class ListVoices implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        Source source;

        @Option(names = "--lang", paramLabel = "LANG", description = "only voices of this language (en, en_US, de...)")
        String lang;

        @Option(names = "--installed", description = "only the installed voices (works offline)")
        boolean installed;

        @Override
        public Integer call() throws IOException {
            VoiceHome home = VoiceHome.fromEnvironment();
            PrintWriter out = spec.commandLine().getOut();
            List<String> here = home.installedNames();
            if (installed) {
                for (String name : here) {
                    if (lang == null || name.toLowerCase(Locale.ROOT).startsWith(lang.replace('-', '_').toLowerCase(Locale.ROOT))) {
                        out.printf(Locale.ROOT, "%-40s %6.1f MB  %s%n", name, Files.size(home.voicePath(name)) / 1e6, home.voicePath(name));
                    }
                }
                if (here.isEmpty()) {
                    out.println("no voices installed in " + home.voicesDir() + "; try: sotto voices download " + Voices.DEFAULT_VOICE);
                }
                return 0;
            }
            String piperUnavailable = null;
            try {
                VoiceCatalog catalog = source.installer(home).catalog();
                for (String why : catalog.skipped()) {
                    spec.commandLine().getErr().println("sotto: skipped a catalog entry: " + why);
                }
                for (VoiceCatalog.Entry e : catalog.list(lang)) {
                    out.printf(Locale.ROOT, "%-40s %-7s %-8s %3d speaker%s %6.1f MB%s%n", e.key(), e.language(), e.quality(), e.speakers(),
                            e.speakers() == 1 ? " " : "s", e.downloadBytes() / 1e6, here.contains(e.key()) ? "  installed" : "");
                }
            } catch (CatalogException e) {
                piperUnavailable = e.getMessage(); // still list the Pocket TTS variants, then say why Piper's are missing
            }
            // The Pocket TTS variants are known without the network (their configurations ship with sotto).
            boolean anyPocket = false;
            for (PocketInstaller.Variant v : source.pocket(home).variants()) {
                if (lang == null || v.language().startsWith(lang.toLowerCase(Locale.ROOT).substring(0, Math.min(2, lang.length())))) {
                    out.printf(Locale.ROOT, "%-40s %-7s %-8s %2d preset voice%s%s%n", v.installedName(), v.language(), "pocket",
                            v.knownVoices().size(), v.knownVoices().size() == 1 ? " " : "s", here.contains(v.installedName()) ? "  installed" : "");
                    anyPocket = true;
                }
            }
            if (anyPocket) {
                out.println("  (pocket-*: " + dev.sotto.pocket.convert.PocketImporter.ATTRIBUTION + ")");
            }
            out.flush();
            if (piperUnavailable != null) {
                throw new SottoCli.UserError("Piper's catalog is unavailable: " + piperUnavailable);
            }
            return 0;
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = "Download a voice, check it, convert it to GGUF and install it in the data directory.")
    static final class Download implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        Source source;

        @Parameters(paramLabel = "NAME", description = "the voice's name or alias in the catalog, e.g. " + Voices.DEFAULT_VOICE)
        String name;

        @Option(names = "--type", defaultValue = "q8_0", description = "f32, f16, q8_0 (~38%% of the .onnx) or q4_0 (default: ${DEFAULT-VALUE})")
        String type;

        @Option(names = "--keep-onnx", description = "also keep the Piper .onnx and .onnx.json beside the GGUF")
        boolean keepOnnx;

        @Option(names = "--voices", paramLabel = "NAMES", split = ",", description = "Pocket TTS: the preset voices to install (comma-separated,"
                + " or 'all'; default: the language's default voice)")
        List<String> presetVoices;

        @Override
        public Integer call() {
            GgmlType t = Voices.weightType(type);
            VoiceHome home = VoiceHome.fromEnvironment();
            VoiceInstaller.Progress progress = TerminalProgress.on(spec.commandLine().getErr());
            Path installed;
            try {
                PocketInstaller pocket = source.pocket(home);
                PocketInstaller.Variant variant = name.startsWith(PocketInstaller.PREFIX) ? pocket.find(name) : null;
                if (name.startsWith(PocketInstaller.PREFIX)) {
                    if (variant == null) {
                        throw new SottoCli.UserError("no Pocket TTS variant '" + name + "'; 'sotto voices list' shows them");
                    }
                    List<String> voices = presetVoices != null && presetVoices.equals(List.of("all")) ? variant.knownVoices() : presetVoices;
                    spec.commandLine().getErr().println("sotto: " + dev.sotto.pocket.convert.PocketImporter.ATTRIBUTION);
                    installed = pocket.install(name, t, voices, progress);
                } else {
                    installed = source.installer(home).install(name, t, keepOnnx, progress);
                }
            } catch (CatalogException e) {
                throw new SottoCli.UserError(e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new SottoCli.UserError(e.getMessage());
            }
            String key = installed.getFileName().toString().replaceFirst("\\.gguf$", "");
            spec.commandLine().getOut().println("installed " + key + " (" + t.name().toLowerCase(Locale.ROOT) + ") at " + installed
                    + "; use it with: sotto say -m " + key + " \"Hello.\"");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an installed voice.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "the installed voice's name")
        String name;

        @Override
        public Integer call() throws IOException {
            VoiceHome home = VoiceHome.fromEnvironment();
            boolean removed;
            try {
                removed = home.remove(name);
            } catch (IllegalArgumentException e) {
                throw new SottoCli.UserError(e.getMessage());
            }
            if (!removed) {
                throw new SottoCli.UserError("no installed voice '" + name + "'; 'sotto voices list --installed' shows them");
            }
            spec.commandLine().getOut().println("removed " + name);
            return 0;
        }
    }
}

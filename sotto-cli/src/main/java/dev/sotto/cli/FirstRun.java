package dev.sotto.cli;

import dev.sotto.catalog.CatalogException;
import dev.sotto.catalog.VoiceCatalog;
import dev.sotto.catalog.VoiceHome;
import dev.sotto.catalog.VoiceInstaller;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The voice of a {@code sotto say} that names none: an installed one, else, on the first run, the default English
 * voice, fetched from the catalog after saying which voice it is, its size and licence (unless offline).
 */
final class FirstRun {
    /** The environment variable that forbids downloading (1, true or yes), like {@code --offline}. */
    static final String OFFLINE_VARIABLE = "SOTTO_OFFLINE";

    private FirstRun() {
    }

    /** Whether {@code SOTTO_OFFLINE} is set to 1, true or yes. */
    static boolean offlineByEnvironment() {
        String v = System.getenv(OFFLINE_VARIABLE);
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }

    /** An installed voice, else the default voice installed now (messages and progress on {@code err}). */
    static Path voice(PrintWriter err, boolean offline) throws IOException {
        VoiceHome home = VoiceHome.fromEnvironment();
        if (!home.installedNames().isEmpty()) {
            return Voices.defaultVoice();
        }
        String install = "'sotto voices download " + Voices.DEFAULT_VOICE + "' installs the default voice, or pass -m VOICE.gguf (or a Piper .onnx)";
        if (offline) {
            throw new SottoCli.UserError("no voice is installed and sotto is offline (--offline or " + OFFLINE_VARIABLE + "), so none was"
                    + " downloaded: " + install);
        }
        VoiceInstaller installer;
        try {
            installer = VoiceInstaller.fromEnvironment(home, null);
        } catch (IllegalArgumentException e) {
            throw new SottoCli.UserError(e.getMessage());
        }
        try {
            VoiceCatalog.Entry e = installer.catalog().find(Voices.DEFAULT_VOICE);
            if (e == null) {
                throw new SottoCli.UserError("the voice catalog at " + installer.baseUrl() + " has no " + Voices.DEFAULT_VOICE
                        + "; 'sotto voices list' shows what it has, 'sotto voices download NAME' installs one");
            }
            String licence = installer.licence(e);
            err.printf(Locale.ROOT, "sotto: no voice is installed. Downloading the default English voice, %s (Piper, %s quality, %.1f MB;"
                    + " licence: %s) from %s%nsotto: (--offline or %s=1 never downloads; 'sotto voices remove %s' removes it)%n", e.key(),
                    e.quality(), e.downloadBytes() / 1e6, licence == null ? "not stated in the catalog" : licence, installer.baseUrl(),
                    OFFLINE_VARIABLE, e.key());
            err.flush();
            Path installed = installer.install(e, GgmlType.Q8_0, false, TerminalProgress.on(err));
            err.println("sotto: installed " + e.key() + " at " + installed);
            err.flush();
            return installed;
        } catch (CatalogException ex) {
            String why = ex.getCause() instanceof IOException ? "cannot reach " + installer.baseUrl() + " (no network?)" : ex.getMessage();
            throw new SottoCli.UserError("no voice is installed and the default voice could not be downloaded: " + why + ". Once online, "
                    + install);
        }
    }
}

package dev.sotto.catalog;

import dev.sotto.io.VoiceNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The data directory where voices are installed: {@code $SOTTO_HOME}, else the platform's user data directory
 * ({@code $XDG_DATA_HOME/sotto} or {@code ~/.local/share/sotto} on Linux, {@code ~/Library/Application
 * Support/sotto} on macOS, {@code %APPDATA%\sotto} on Windows). Installed voices are {@code voices/NAME.gguf};
 * partial downloads live in {@code downloads/NAME/} until they are complete and verified.
 */
public final class VoiceHome {
    private final Path root;

    public VoiceHome(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The directory from the environment, as described above; the system property {@code sotto.home} overrides it. */
    public static VoiceHome fromEnvironment() {
        String property = System.getProperty("sotto.home");
        if (property != null && !property.isBlank()) {
            return new VoiceHome(Path.of(property));
        }
        return new VoiceHome(defaultRoot(System.getenv(), System.getProperty("os.name", ""), System.getProperty("user.home", ".")));
    }

    static Path defaultRoot(Map<String, String> env, String os, String home) {
        String explicit = env.get("SOTTO_HOME");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String o = os.toLowerCase(Locale.ROOT);
        if (o.contains("win")) {
            String appData = env.get("APPDATA");
            return appData != null ? Path.of(appData, "sotto") : Path.of(home, "AppData", "Roaming", "sotto");
        }
        if (o.contains("mac")) {
            return Path.of(home, "Library", "Application Support", "sotto");
        }
        String xdg = env.get("XDG_DATA_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg, "sotto") : Path.of(home, ".local", "share", "sotto");
    }

    public Path root() {
        return root;
    }

    public Path voicesDir() {
        return root.resolve("voices");
    }

    Path downloadsDir() {
        return root.resolve("downloads");
    }

    /**
     * The download directory of an install of {@code name} (resumable partial files live there), created together
     * with the voices directory the install will move its result into.
     */
    Path workDir(String name) throws CatalogException {
        Path work = downloadsDir().resolve(checkedName(name));
        try {
            Files.createDirectories(work);
            Files.createDirectories(voicesDir());
        } catch (IOException e) {
            throw new CatalogException("cannot create " + work + ": " + e.getMessage(), e);
        }
        return work;
    }

    /** Where voice {@code name} is (or would be) installed. */
    public Path voicePath(String name) {
        return voicesDir().resolve(checkedName(name) + ".gguf");
    }

    /** The installed voice called {@code name}, or null. */
    public Path installed(String name) {
        if (name == null || !name.matches(VoiceCatalog.NAME_PATTERN)) {
            return null;
        }
        Path p = voicePath(name);
        return Files.isRegularFile(p) ? p : null;
    }

    /** Names of the installed voices, sorted. */
    public List<String> installedNames() throws IOException {
        if (!Files.isDirectory(voicesDir())) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(voicesDir())) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".gguf") && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - ".gguf".length())).filter(n -> n.matches(VoiceCatalog.NAME_PATTERN)).sorted()
                    .forEach(out::add);
        }
        return out;
    }

    /** The directory of an installed model's preset voices ({@code voices/NAME.voices/}, Pocket TTS). */
    public Path presetVoicesDir(String name) {
        return voicesDir().resolve(checkedName(name) + ".voices");
    }

    /** Removes voice {@code name} (its GGUF, any kept .onnx files, its preset voices); false when it was not installed. */
    public boolean remove(String name) throws IOException {
        checkedName(name);
        boolean any = false;
        for (String suffix : new String[] {".gguf", ".onnx", ".onnx.json"}) {
            any |= Files.deleteIfExists(voicesDir().resolve(name + suffix));
        }
        Path presets = presetVoicesDir(name);
        if (Files.isDirectory(presets)) {
            VoiceInstaller.deleteTree(presets);
            any = true;
        }
        return any;
    }

    static String checkedName(String name) {
        if (!VoiceNames.isFileSafe(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a voice name (letters, digits, '_', '-', '.')");
        }
        return name;
    }
}

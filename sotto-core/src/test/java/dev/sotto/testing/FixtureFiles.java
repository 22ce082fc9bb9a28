package dev.sotto.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the tests find their fixtures. Small fixtures live in the project, as test resources under
 * {@code dev/sotto/fixtures/<set>/} (so that a fresh clone tests itself); the full sets live in the shared folder
 * beside the project ({@code ../shared/fixtures/<set>}, or {@code -Dsotto.fixtures=DIR} holding {@code <set>/}).
 * A test that needs a file neither has is skipped with a one-line reason, unless
 * {@code -Dsotto.fixtures.required=true} (CI) makes that a failure.
 */
public final class FixtureFiles {
    /** System property naming the fixtures directory (holding piper/, pocket/). */
    public static final String DIR_PROPERTY = "sotto.fixtures";
    /** System property that turns a missing fixture into a failure. */
    public static final String REQUIRED_PROPERTY = "sotto.fixtures.required";

    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();
    private static Path extractDir;

    private FixtureFiles() {
    }

    /** Whether missing fixtures fail the tests instead of skipping them. */
    public static boolean required() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /** The shared fixture set {@code set} (piper, pocket), or null when there is none beside the project. */
    public static Path shared(String set) {
        String override = System.getProperty(DIR_PROPERTY);
        if (override != null) {
            Path p = Path.of(override).resolve(set);
            return Files.isDirectory(p) ? p : null;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("fixtures").resolve(set);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Fixture {@code name} (a path inside the set, such as {@code expected/tiny-r2.short.f32}) of set {@code set}:
     * the project's copy if it has one, else the shared one; the calling test is skipped (or fails, when fixtures are
     * required) when neither exists.
     */
    public static Path file(String set, String name) {
        Path bundled = bundled(set, name);
        if (bundled != null) {
            return bundled;
        }
        Path shared = shared(set);
        if (shared != null && Files.exists(shared.resolve(name))) {
            return shared.resolve(name);
        }
        String why = "fixture " + set + "/" + name + " is not in the project and ../shared/fixtures/" + set
                + " is not beside it (or -D" + DIR_PROPERTY + "=DIR)";
        if (required()) {
            throw new AssertionError(why + "; -D" + REQUIRED_PROPERTY + "=true needs it");
        }
        Assumptions.abort(why);
        return null; // not reached
    }

    /** Whether fixture {@code name} is available (bundled or shared), without skipping. */
    public static boolean available(String set, String name) {
        if (bundled(set, name) != null) {
            return true;
        }
        Path shared = shared(set);
        return shared != null && Files.exists(shared.resolve(name));
    }

    /** The project's copy, extracted once to a temporary directory (resources may sit inside a test jar). */
    private static Path bundled(String set, String name) {
        String resource = "dev/sotto/fixtures/" + set + "/" + name;
        Path done = EXTRACTED.get(resource);
        if (done != null) {
            return done;
        }
        synchronized (FixtureFiles.class) {
            try (InputStream in = FixtureFiles.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    return null;
                }
                if (extractDir == null) {
                    extractDir = Files.createTempDirectory("sotto-fixtures-");
                    extractDir.toFile().deleteOnExit();
                }
                Path out = extractDir.resolve(set).resolve(name);
                Files.createDirectories(out.getParent());
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                out.toFile().deleteOnExit();
                EXTRACTED.put(resource, out);
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract fixture " + resource, e);
            }
        }
    }
}

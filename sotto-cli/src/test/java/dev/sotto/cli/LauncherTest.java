package dev.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./sotto} launcher hands its process to the JVM: a signal sent to the launcher's PID (what kill and
 * service managers do) reaches Java; it passes the JIT directives file and drops the JVM's start-up notices from
 * stderr. Run on a copy of the launcher with a stand-in {@code java} that reports its PID and the signal it gets.
 */
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void theJvmIsTheLauncherProcessAndGetsItsSignals() throws Exception {
        Path root = projectRoot();
        Path copy = dir.resolve("project");
        Files.createDirectories(copy.resolve("scripts"));
        Files.copy(root.resolve("sotto"), copy.resolve("sotto"));
        Files.copy(root.resolve("scripts/java-env.sh"), copy.resolve("scripts/java-env.sh"));
        Files.copy(root.resolve("scripts/jit-directives.json"), copy.resolve("scripts/jit-directives.json"));
        Files.createDirectories(copy.resolve("sotto-cli/target"));
        Files.writeString(copy.resolve("sotto-cli/target/sotto.jar"), "stand-in"); // up to date: nothing to build
        Path jdk = dir.resolve("jdk");
        Files.createDirectories(jdk.resolve("bin"));
        Path java = jdk.resolve("bin/java");
        Path pid = dir.resolve("pid");
        Path signal = dir.resolve("signal");
        Files.writeString(java, """
                #!/usr/bin/env bash
                if [ "$1" = -XshowSettings:properties ]; then echo "    java.specification.version = 25" >&2; exit 0; fi
                echo "1 compiler directives added" >&2
                echo "WARNING: Using incubator modules: jdk.incubator.vector" >&2
                case "$*" in *CompilerDirectivesFile=*jit-directives.json*) ;; *) echo "no directives file passed" >&2 ;; esac
                echo "to stderr" >&2
                trap 'echo TERM > %s; exit 143' TERM
                echo $$ > %s.tmp && mv %s.tmp %s
                while :; do sleep 0.05; done
                """.formatted(signal, pid, pid, pid));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", copy.resolve("sotto").toString(), "serve").redirectError(dir.resolve("err").toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JAVA_HOME", jdk.toString());
        Process launcher = pb.start();
        try {
            for (int i = 0; i < 200 && !Files.exists(pid); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(pid), "the stand-in java never started: " + Files.readString(dir.resolve("err")));
            assertEquals(launcher.pid(), Long.parseLong(Files.readString(pid).strip()), "java runs in the launcher's own process (exec)");
            launcher.destroy(); // SIGTERM to the launcher's PID
            assertTrue(launcher.waitFor(10, TimeUnit.SECONDS), "the process ended on SIGTERM");
            assertEquals("TERM", Files.readString(signal).strip(), "the JVM got the signal");
            assertEquals(143, launcher.exitValue());
            for (int i = 0; i < 100 && !Files.readString(dir.resolve("err")).contains("to stderr"); i++) {
                Thread.sleep(50); // the stderr filter may finish just after
            }
            assertEquals("to stderr\n", Files.readString(dir.resolve("err")), "stderr passes through, less the JVM's notices; the directives file is passed");
        } finally {
            launcher.destroyForcibly();
        }
    }

    private static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("sotto")) && Files.isRegularFile(p.resolve("scripts/java-env.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("the project root (with ./sotto) is not above " + Path.of("").toAbsolutePath());
    }
}

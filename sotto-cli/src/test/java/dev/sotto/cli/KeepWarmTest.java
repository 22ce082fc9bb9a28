package dev.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.onnx.testing.PiperFixtures;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code say --keep-warm}: its setting, the server command it derives from this JVM's, and the idle exit that ends it. */
class KeepWarmTest {
    @Test
    void minutesComeFromTheFlagOrTheEnvironment() {
        assertNull(KeepWarm.minutes(false, null));
        assertNull(KeepWarm.minutes(false, "0"));
        assertNull(KeepWarm.minutes(false, "off"));
        assertEquals(KeepWarm.DEFAULT_MINUTES, KeepWarm.minutes(true, null));
        assertEquals(KeepWarm.DEFAULT_MINUTES, KeepWarm.minutes(true, " "));
        assertEquals(30.0, KeepWarm.minutes(false, "30"));
        assertEquals(0.5, KeepWarm.minutes(true, " 0.5 "));
        for (String bad : new String[] {"abc", "-5", "NaN", "Infinity", "99999999"}) {
            SottoCli.UserError e = assertThrows(SottoCli.UserError.class, () -> KeepWarm.minutes(false, bad), bad);
            assertTrue(e.getMessage().contains(KeepWarm.VARIABLE), e.getMessage());
        }
    }

    @Test
    void theServerRunsInAJvmStartedAsThisOne() {
        Path voice = Path.of("/voices/a b.gguf");
        List<String> cli = List.of("say", "--keep-warm", "-m", "/voices/a b.gguf", "-o", "x.wav", "Hello -jar there.");
        List<String> jvm = List.of("--add-modules", "jdk.incubator.vector", "-Xmx512m", "-jar", "/opt/sotto.jar");
        List<String> args = new java.util.ArrayList<>(jvm);
        args.addAll(cli);
        List<String> cmd = KeepWarm.serveCommand("/jdk/bin/java", args, cli, voice, 15).orElseThrow();
        assertEquals(List.of("/jdk/bin/java", "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-jar", "/opt/sotto.jar", "serve",
                "--host", "127.0.0.1", "--port", "0", "--idle-exit", "15.0", "-m", "/voices/a b.gguf"), cmd);

        // A class path and the main class work too.
        List<String> cp = new java.util.ArrayList<>(List.of("-cp", "lib/*", SottoCli.class.getName()));
        cp.addAll(cli);
        assertEquals(SottoCli.class.getName(), KeepWarm.serveCommand("java", cp, cli, voice, 1).orElseThrow().get(3));

        // Not started by a sotto command line (a test runner, an application embedding the CLI), or the OS did not say.
        List<String> runner = new java.util.ArrayList<>(List.of("-cp", "x", "org.junit.Runner"));
        runner.addAll(cli);
        assertTrue(KeepWarm.serveCommand("java", runner, cli, voice, 1).isEmpty());
        assertTrue(KeepWarm.serveCommand("java", List.of(), cli, voice, 1).isEmpty());
        assertTrue(KeepWarm.serveCommand(null, args, cli, voice, 1).isEmpty());
        assertTrue(KeepWarm.serveCommand("java", args, List.of("say", "other"), voice, 1).isEmpty());
    }

    @Test
    void theIdleExitWaitsForIdleTimeAndStopsOnce() throws InterruptedException {
        AtomicLong idle = new AtomicLong(0); // busy
        AtomicInteger stops = new AtomicInteger();
        Thread watcher = ServeCommand.watchIdle(idle::get, Duration.ofMillis(200), stops::incrementAndGet);
        Thread.sleep(300);
        assertEquals(0, stops.get(), "not while busy");
        idle.set(Duration.ofMillis(150).toNanos());
        Thread.sleep(200);
        assertEquals(0, stops.get(), "not before the limit");
        idle.set(Duration.ofMillis(250).toNanos());
        watcher.join(5_000);
        assertFalse(watcher.isAlive());
        assertEquals(1, stops.get());
    }

    /** In a test runner's JVM the say speaks, then finds it cannot start a server like itself, and says so. */
    @Test
    void aColdSayWithKeepWarmSpeaksFirst(@TempDir Path dir) throws IOException {
        String oldHome = System.getProperty("sotto.home");
        System.setProperty("sotto.home", dir.resolve("home").toString());
        try {
            Path voice = PiperFixtures.gguf("tiny-r2", GgmlType.Q8_0, dir.resolve("tiny.gguf"));
            Path wav = dir.resolve("out.wav");
            SottoCliTest.Result r = SottoCliTest.run("say", "--keep-warm", "-m", voice.toString(), "-o", wav.toString(), "Hello there.");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("1 sentence(s)") && Files.size(wav) > 44, r.out());
            assertTrue(r.err().contains("--keep-warm cannot tell how this JVM was started"), r.err());
        } finally {
            if (oldHome == null) {
                System.clearProperty("sotto.home");
            } else {
                System.setProperty("sotto.home", oldHome);
            }
        }
    }

    @Test
    void aBadIdleExitIsRefused() {
        for (String bad : new String[] {"0", "-1", "20000", "NaN"}) {
            SottoCliTest.Result r = SottoCliTest.run("serve", "--port", "0", "--idle-exit", bad, "-m", "/nonexistent.gguf");
            assertEquals(1, r.code(), bad + ": " + r.err());
            assertTrue(r.err().contains("--idle-exit must be more than 0"), r.err());
        }
    }
}

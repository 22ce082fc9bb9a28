package dev.sotto.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code sotto say --keep-warm}: after a cold say has spoken in its own process, starts {@code sotto serve} for the
 * same voice in the background (loopback, a free port, {@code --idle-exit}), so the say commands after it hand their
 * text to a warm server ({@link LocalServers}) instead of starting cold. The server is this JVM's own command line
 * with the say arguments replaced, its output goes to a log under the sotto home, and it stops by itself after the
 * given minutes without a request. One server per voice: a marker holds the PID of the one started last, and no
 * other is started while that process lives.
 */
final class KeepWarm {
    /** Minutes a kept-warm server waits for the next request when none is given. */
    static final double DEFAULT_MINUTES = 15;
    /** The environment variable that turns keep-warm on for every say: its value in minutes (e.g. 30). */
    static final String VARIABLE = "SOTTO_KEEP_WARM";

    private KeepWarm() {
    }

    /**
     * The minutes to keep a server warm for: {@code flag}'s default, else {@link #VARIABLE}'s value; null when off.
     * A value that is not a positive number of minutes is a {@link SottoCli.UserError}.
     */
    static Double minutes(boolean flag, String variable) {
        if (variable == null || variable.isBlank() || variable.equals("0") || variable.equalsIgnoreCase("off")) {
            return flag ? DEFAULT_MINUTES : null;
        }
        double m;
        try {
            m = Double.parseDouble(variable.strip());
        } catch (NumberFormatException e) {
            m = Double.NaN;
        }
        if (!(m > 0 && m <= ServeCommand.MAX_IDLE_EXIT_MINUTES)) {
            throw new SottoCli.UserError(VARIABLE + " is minutes to keep a server warm (e.g. 15; 0 or off for none), not '" + variable + "'");
        }
        return m;
    }

    /**
     * The command that runs {@code serve} in a JVM started as this one was: {@code command} and {@code arguments}
     * (this process's, as the OS reports them) must end with this run's {@code cliArgs}, which are replaced. Empty when
     * they do not (the OS did not say, or the JVM was not started by a command line of its own, as in tests).
     */
    static Optional<List<String>> serveCommand(String command, List<String> arguments, List<String> cliArgs, Path voice, double minutes) {
        int jvmArgs = arguments.size() - cliArgs.size();
        if (command == null || jvmArgs < 1 || !arguments.subList(jvmArgs, arguments.size()).equals(cliArgs)) {
            return Optional.empty();
        }
        List<String> jvm = arguments.subList(0, jvmArgs);
        // The JVM runs the CLI's main class: from a jar (-jar FILE) or a class path with the class name last.
        boolean jar = jvmArgs >= 2 && jvm.get(jvmArgs - 2).equals("-jar");
        boolean mainClass = jvm.get(jvmArgs - 1).equals(SottoCli.class.getName());
        if (!jar && !mainClass) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(command);
        cmd.addAll(jvm);
        cmd.addAll(List.of("serve", "--host", "127.0.0.1", "--port", "0", "--idle-exit", Double.toString(minutes), "-m",
                voice.toAbsolutePath().toString()));
        return Optional.of(cmd);
    }

    /**
     * Starts the server for {@code voice} unless one started earlier still runs; a line on {@code err} says what
     * happened either way (the say itself has succeeded).
     */
    static void start(Path voice, double minutes, List<String> cliArgs, java.io.PrintWriter err) {
        try {
            Path dir = LocalServers.directory();
            Files.createDirectories(dir);
            String key = key(voice);
            Path marker = dir.resolve("keep-warm-" + key + ".pid");
            if (running(marker)) {
                return; // still starting (it announces itself once warm)
            }
            ProcessHandle.Info info = ProcessHandle.current().info();
            Optional<List<String>> cmd = serveCommand(info.command().orElse(null), List.of(info.arguments().orElse(new String[0])),
                    cliArgs, voice, minutes);
            if (cmd.isEmpty()) {
                err.println("sotto: --keep-warm cannot tell how this JVM was started; start `sotto serve` yourself");
                return;
            }
            Path log = dir.resolve("keep-warm-" + key + ".log");
            ProcessBuilder pb = new ProcessBuilder(detached(cmd.get())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File(File.separatorChar == '\\' ? "NUL" : "/dev/null")));
            Process p = pb.start();
            Files.writeString(marker, Long.toString(p.pid()), StandardCharsets.UTF_8);
            err.printf("sotto: keeping %s warm in a background server for %s min without use (pid %d, log %s)%n", voice.getFileName(),
                    fmt(minutes), p.pid(), log);
        } catch (IOException | RuntimeException e) {
            err.println("sotto: --keep-warm could not start a server (" + e.getMessage() + "); start `sotto serve` yourself");
        }
    }

    private static String fmt(double minutes) {
        return minutes == Math.rint(minutes) ? Long.toString((long) minutes) : Double.toString(minutes);
    }

    /** True when the marker names a live process. */
    private static boolean running(Path marker) {
        try {
            return LocalServers.alive(Long.parseLong(Files.readString(marker).strip()));
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /**
     * In a session of its own where {@code setsid} exists (Linux), so closing the terminal that ran the say does not
     * hang the server up; elsewhere as it is.
     */
    private static List<String> detached(List<String> cmd) {
        for (String dir : List.of("/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "setsid"))) {
                List<String> c = new ArrayList<>();
                c.add(dir + "/setsid");
                c.addAll(cmd);
                return c;
            }
        }
        return cmd;
    }

    /** A short, file-name-safe key for a voice file's real path. */
    private static String key(Path voice) throws IOException {
        String real = voice.toRealPath().toString();
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(real.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}

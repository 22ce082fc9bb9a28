package dev.sotto.cli;

import dev.sotto.catalog.VoiceInstaller;
import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;

/** A download progress bar on stderr, redrawn at most ten times a second; nothing when stderr is not a terminal. */
final class TerminalProgress implements VoiceInstaller.Progress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private long lastDraw;

    private TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    /** A bar on {@code err} when the process runs on a terminal, else {@link VoiceInstaller.Progress#NONE}. */
    static VoiceInstaller.Progress on(PrintWriter err) {
        Console console = System.console();
        return console != null && console.isTerminal() ? new TerminalProgress(err) : VoiceInstaller.Progress.NONE;
    }

    @Override
    public void update(String file, long done, long total) {
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done < total) {
            return;
        }
        lastDraw = now;
        int filled = total > 0 ? (int) Math.min(WIDTH, done * WIDTH / total) : 0;
        err.printf(Locale.ROOT, "\r  %-36s [%s%s] %5.1f/%.1f MB", file, "#".repeat(filled), " ".repeat(WIDTH - filled), done / 1e6, total / 1e6);
        if (done >= total) {
            err.println();
        }
        err.flush();
    }
}

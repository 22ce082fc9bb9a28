package dev.sotto.cli;

import dev.sotto.kernel.ComputePool;
import dev.sotto.kernel.Kernels;
import dev.sotto.kernel.VectorCheck;
import dev.sotto.tensor.Simd;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints the runtime facts that decide speed: Java, CPU, kernels, threads, and whether vector code pays here. */
@Command(name = "system", mixinStandardHelpOptions = true,
        description = "Show the Java runtime, CPU, kernel mode (vector width or scalar) and thread count in use, and check that"
                + " vector code is fast on this JVM.")
final class SystemCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--check", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "measure vector and scalar arithmetic speed for about 1.5 s and warn when vectors do not pay"
                    + " (default: on; --no-check skips it)")
    boolean check;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("sotto   " + SottoCli.Version.version());
        out.println("java    " + Runtime.version() + " " + System.getProperty("java.vm.name") + " (" + System.getProperty("os.arch") + ")");
        out.println("cpu     " + cpuModel());
        out.println("kernels " + Simd.describe() + (Simd.ENABLED ? "; " + Simd.vectorRegisters() + " vector registers assumed, tile "
                + Kernels.shared().tileShape() : ""));
        out.println("threads " + ComputePool.defaultThreads() + " (set with -D" + ComputePool.THREADS_PROPERTY + "=N or SOTTO_THREADS)");
        out.println("cpus    " + Runtime.getRuntime().availableProcessors());
        if (check) {
            VectorCheck.Result r = VectorCheck.measure(Duration.ofMillis(1500));
            out.println(r.lanes() == 0
                    ? String.format(Locale.ROOT, "speed   scalar FMA %.1f GFLOP/s on one core", r.scalarGflops())
                    : String.format(Locale.ROOT, "speed   vector FMA %.1f GFLOP/s at %d bits, scalar %.1f GFLOP/s, on one core (%.1fx)",
                    r.vectorGflops(), r.lanes() * 32, r.scalarGflops(), r.speedup()));
            String warning = r.warning();
            if (warning != null) {
                out.println("warning " + warning);
            }
        }
        return 0;
    }

    /** The CPU's model name (Linux: /proc/cpuinfo), else the architecture. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && line.indexOf(':') > 0) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: fall through
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }
}

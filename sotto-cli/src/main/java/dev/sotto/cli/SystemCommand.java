package dev.sotto.cli;

import dev.sotto.kernel.ComputePool;
import dev.sotto.tensor.Simd;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints the runtime facts that decide speed: Java, kernels, threads. */
@Command(name = "system", mixinStandardHelpOptions = true,
        description = "Show the Java runtime, kernel mode (vector width or scalar) and thread count in use.")
final class SystemCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("sotto   " + SottoCli.Version.version());
        out.println("java    " + Runtime.version() + " " + System.getProperty("java.vm.name") + " (" + System.getProperty("os.arch") + ")");
        out.println("kernels " + Simd.describe());
        out.println("threads " + ComputePool.defaultThreads() + " (set with -D" + ComputePool.THREADS_PROPERTY + "=N or SOTTO_THREADS)");
        out.println("cpus    " + Runtime.getRuntime().availableProcessors());
        return 0;
    }
}

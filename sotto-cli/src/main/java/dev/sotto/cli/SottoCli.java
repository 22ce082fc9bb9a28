package dev.sotto.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code sotto} command. */
@Command(name = "sotto",
        mixinStandardHelpOptions = true,
        versionProvider = SottoCli.Version.class,
        description = "On-device neural speech generation for the JVM.")
public final class SottoCli implements Runnable {
    /** The subcommands, in the order help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(SayCommand.class, ServeCommand.class, VoicesCommand.class, VoiceFromAudioCommand.class,
            SynthCommand.class, PhonemizeCommand.class, NormalizeCommand.class, ConvertCommand.class, BenchCommand.class, InspectCommand.class,
            QuantizeCommand.class, SystemCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        configureLogging(args.length > 0 && args[0].equals("serve"));
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * The server logs what it does (with times); the other commands say only warnings, on one line each in the
     * manner of their own messages ("sotto: ...").
     */
    static void configureLogging(boolean server) {
        if (server) {
            return;
        }
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
            h.setFormatter(new java.util.logging.Formatter() {
                @Override
                public String format(java.util.logging.LogRecord r) {
                    return "sotto: " + formatMessage(r) + System.lineSeparator();
                }
            });
        }
    }

    /** Runs the command line with the given streams and returns the exit code (for tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new SottoCli());
        // Picocli models a command when it is added (reflection over its options and mixins: 0.15 s of a cold start
        // for all of them), so a run of one subcommand adds that one; help, usage and mistakes need them all.
        Class<?> invoked = args.length == 0 ? null : SUBCOMMANDS.stream()
                .filter(c -> c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(args[0])).findFirst()
                .orElse(null);
        for (Class<?> c : invoked != null ? List.of(invoked) : SUBCOMMANDS) {
            cli.addSubcommand(c);
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new Errors());
        return cli.execute(args);
    }

    /** Known failures become one clear line on stderr and exit code 1; only bugs show a stack trace. */
    static final class Errors implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            PrintWriter err = cmd.getErr();
            if (e instanceof UserError || e instanceof IOException || e instanceof IllegalArgumentException
                    || e instanceof UncheckedIOException || e instanceof dev.sotto.text.PhonemizerException
                    || e instanceof IllegalStateException) {
                String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (e instanceof java.nio.file.NoSuchFileException) {
                    msg = "no such file: " + msg;
                } else if (e instanceof java.nio.file.AccessDeniedException) {
                    msg = "permission denied: " + msg;
                }
                err.println("sotto: " + msg);
                return 1;
            }
            err.println("sotto: internal error, please report it:");
            e.printStackTrace(err);
            return 70;
        }
    }

    /** A problem the user can fix, reported without a stack trace. */
    static final class UserError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UserError(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sotto " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
        }

        static String version() {
            try (InputStream in = SottoCli.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    return "unknown";
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}

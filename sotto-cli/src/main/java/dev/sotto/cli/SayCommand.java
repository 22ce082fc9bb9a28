package dev.sotto.cli;

import dev.sotto.api.AudioStream;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Synthesizer;
import dev.sotto.api.Voice;
import dev.sotto.cloud.CloudException;
import dev.sotto.cloud.CloudSynthesizer;
import dev.sotto.cloud.HybridSynthesizer;
import dev.sotto.cloud.Policy;
import dev.sotto.cloud.Synthesizers;
import dev.sotto.codec.OutputFormat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Speaks text with the synthesis API: to a WAV file, as raw PCM on stdout, or through the speakers. */
@Command(name = "say", mixinStandardHelpOptions = true,
        description = "Speak text (argument or stdin): play it, write -o FILE (.wav .mp3 .opus .flac .pcm), --format F to stdout"
                + " (streamed), or --raw (s16le PCM at the voice's rate on stdout).")
final class SayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "TEXT", description = "the text (default: read stdin)")
    String text;

    @Option(names = {"-m", "--model"}, paramLabel = "VOICE",
            description = "a .gguf voice (any family), a Piper .onnx or an installed voice's name (default: the installed "
                    + Voices.DEFAULT_VOICE + ", else the first installed voice; with none installed, " + Voices.DEFAULT_VOICE
                    + " is downloaded first)")
    Path model;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write a file (atomically), in the format its extension names:"
            + " .wav, .mp3, .opus or .ogg (Opus in Ogg), .flac, .pcm (s16le at 24 kHz, as OpenAI's pcm)")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT", description = "wav, mp3, opus, flac or pcm: overrides the extension of -o;"
            + " without -o, the audio goes to stdout as it is made")
    String format;

    @Option(names = "--offline", description = "never download: without an installed voice, say how to install one (also "
            + FirstRun.OFFLINE_VARIABLE + "=1). Without it, the first run downloads the default voice, " + Voices.DEFAULT_VOICE)
    boolean offline;

    @Option(names = "--no-server", description = "speak in this process even when a running `sotto serve` has the voice (by default the"
            + " text is handed to such a server, whose compiled, warm kernels answer in a fraction of a cold start)")
    boolean noServer;

    @Option(names = "--keep-warm", description = "after speaking in this process, start `sotto serve` for the voice in the background,"
            + " so the next say is handed to it warm; it stops after 15 min without use (" + KeepWarm.VARIABLE + "=MINUTES: on for every"
            + " say, with that idle time)")
    boolean keepWarm;

    @Option(names = "--raw", description = "write s16le mono PCM to stdout as each sentence is ready")
    boolean raw;

    @Mixin
    Options.Speaking speaking;

    @Mixin
    Options.ModelParameters parameters;

    @Option(names = "--speed", defaultValue = "1", description = "speaking rate, 1 = the voice's (default: ${DEFAULT-VALUE})")
    float speed;

    @Option(names = "--pitch", defaultValue = "0", paramLabel = "SEMITONES",
            description = "pitch shift in semitones, -12..12, duration kept (default: ${DEFAULT-VALUE})")
    float pitch;

    @Option(names = {"--emotion", "--style"}, defaultValue = "neutral", paramLabel = "STYLE",
            description = "speaking style: neutral, happy, sad, angry, calm, excited, whisper (prosody presets; default: ${DEFAULT-VALUE})")
    String style;

    @Option(names = "--ssml", description = "the text is SSML (speak, break, prosody, say-as, sub, phoneme, emphasis, p, s)")
    boolean ssml;

    @Option(names = "--volume", defaultValue = "0", paramLabel = "DB", description = "gain in dB, limited at full scale (default: ${DEFAULT-VALUE})")
    float volume;

    @Option(names = "--variation", defaultValue = "1", description = "expressiveness: 0 flat, 1 the voice's (default: ${DEFAULT-VALUE})")
    float variation;

    @Option(names = "--normalize", negatable = true, description = "write numbers, dates and symbols out as words first (default: on"
            + " for Piper voices, off for Pocket TTS voices, which read raw text)")
    Boolean normalize;

    @Option(names = "--timings", paramLabel = "FILE", description = "write timings: .json (phonemes and words), .srt or .vtt (sentences as subtitles)")
    Path timings;

    @Option(names = "--cloud", paramLabel = "URL", description = "an OpenAI-compatible speech API (base URL ending in /v1) to fall back"
            + " on or prefer, by --policy; its key comes from SOTTO_CLOUD_API_KEY or OPENAI_API_KEY")
    String cloud;

    @Option(names = "--policy", converter = PolicyConverter.class,
            description = "local-only (text never leaves the device), local-first or cloud-first (default: local-only; with --cloud,"
                    + " local-first)")
    Policy policy;

    @Option(names = "--cloud-model", defaultValue = "tts-1", description = "the cloud's model (default: ${DEFAULT-VALUE})")
    String cloudModel;

    @Option(names = "--cloud-voice", defaultValue = "alloy", description = "the cloud's voice (default: ${DEFAULT-VALUE})")
    String cloudVoice;

    static final class PolicyConverter implements picocli.CommandLine.ITypeConverter<Policy> {
        @Override
        public Policy convert(String value) {
            try {
                return Policy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        // Plain text from stdin is spoken piece by piece as it arrives (bounded memory, speech before the pipe closes);
        // an SSML document is read whole, up to a limit.
        boolean piped = text == null && !ssml;
        String input = text != null ? text : piped ? null : readSsml();
        if (input != null && input.isBlank()) {
            throw new SottoCli.UserError("nothing to say: pass TEXT or pipe it on stdin");
        }
        if (raw && (output != null || format != null)) {
            throw new SottoCli.UserError("--raw writes PCM to stdout; it does not go with -o or --format");
        }
        OutputFormat outputFormat = outputFormat();
        Policy p = policy != null ? policy : cloud != null ? Policy.LOCAL_FIRST : Policy.LOCAL_ONLY;
        if (cloud != null && p == Policy.LOCAL_ONLY) {
            throw new SottoCli.UserError("--cloud with --policy local-only would never use the cloud; choose local-first or cloud-first");
        }
        if (cloud == null && p != Policy.LOCAL_ONLY) {
            throw new SottoCli.UserError("--policy " + p.name().toLowerCase(Locale.ROOT).replace('_', '-') + " needs --cloud URL");
        }
        SynthesisOptions options;
        try {
            // A file is whole only at the end: its sentences are made in as few pieces as the model can (no small
            // first pieces for latency, whose context windows cost the decoder about a sixth more).
            SynthesisOptions.Builder b = speaking.builder().speed(speed).pitch(pitch).style(style).ssml(ssml).volumeDb(volume)
                    .variation(variation).normalize(normalize).streaming(output == null);
            parameters.values().forEach(b::parameter);
            options = b.build();
        } catch (IllegalArgumentException e) {
            throw new SottoCli.UserError(e.getMessage());
        }
        // Local-first and cloud-first can speak through the cloud when no voice is installed; local-only cannot.
        if (cloud != null && policy == null) {
            spec.commandLine().getErr().println("sotto: --cloud without --policy: local-first (the cloud speaks only when the local voice"
                    + " cannot)");
        }
        // With a cloud to fall back on, a local voice that cannot be found or opened is a reason to fall back, not an error.
        Path voicePath = model != null ? (cloud != null ? model : Voices.resolve(model)) : cloud != null ? optionalDefaultVoice()
                : FirstRun.voice(spec.commandLine().getErr(), offline || FirstRun.offlineByEnvironment());
        Double keepWarmMinutes = KeepWarm.minutes(keepWarm, System.getenv(KeepWarm.VARIABLE));
        if (speakThroughRunningServer(piped, voicePath, input, outputFormat)) {
            return 0;
        }
        try (Synthesizer synthesizer = cloud != null ? hybrid(voicePath, p) : Voices.open(voicePath, null)) {
            AudioStream stream;
            try {
                stream = piped ? new PipedSpeech(synthesizer, options, new PipedText(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
                        : synthesizer.synthesize(input, options);
            } catch (CloudException | IllegalArgumentException e) {
                throw new SottoCli.UserError(e.getMessage());
            }
            SpokenTimings spoken = new SpokenTimings(timings != null);
            try (AudioStream s = spoken.recording(stream)) {
                if (output != null) {
                    s.write(output, outputFormat);
                } else if (raw || outputFormat != null) {
                    OutputStream out = new BufferedOutputStream(System.out);
                    if (raw) {
                        s.writePcm(out);
                    } else {
                        s.write(out, outputFormat);
                    }
                    out.flush();
                } else {
                    s.play();
                }
            } catch (IllegalArgumentException | CloudException | java.io.UncheckedIOException e) {
                throw new SottoCli.UserError(e.getMessage()); // a problem found as the text is spoken (no speech in it, ...)
            }
            if (output != null) {
                spec.commandLine().getOut().printf(Locale.ROOT, "%s: %.2f s, %d sentence(s)%n", output.getFileName(), spoken.seconds(),
                        spoken.sentences());
            }
            if (timings != null) {
                spoken.write(timings);
            }
        }
        // Started after speaking: a server warming up beside a cold synthesis would slow it on a machine of few cores.
        if (keepWarmMinutes != null && !noServer && cloud == null && voicePath != null && LocalServers.find(voicePath) == null) {
            KeepWarm.start(voicePath, keepWarmMinutes, spec.root().commandLine().getParseResult().originalArgs(), spec.commandLine().getErr());
        }
        return 0;
    }

    /**
     * Hands the text to a running {@code sotto serve} with the same voice, when there is one and no option asks for
     * more than a server request carries ({@link LocalServers}): for a file, stdout (--format, --raw) or the speakers.
     * True when it was spoken there; false, with nothing written, to speak in this process.
     */
    private boolean speakThroughRunningServer(boolean piped, Path voicePath, String input, OutputFormat outputFormat) throws IOException {
        if (noServer || piped || voicePath == null) {
            return false;
        }
        for (var option : spec.commandLine().getParseResult().matchedOptions()) {
            if (!LocalServers.FORWARDED_OPTIONS.contains(option.longestName())) {
                return false;
            }
        }
        LocalServers.Found server = LocalServers.find(voicePath);
        if (server == null) {
            return false;
        }
        LocalServers.Speech speech = new LocalServers.Speech(input, speed, pitch, style, ssml);
        if (output != null) {
            if (!LocalServers.speakToFile(server, speech, outputFormat, output)) {
                return false;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (outputFormat == OutputFormat.WAV) {
                out.printf(Locale.ROOT, "%s: %.2f s, spoken by the sotto server at %s%n", output.getFileName(), LocalServers.wavSeconds(output),
                        server.url());
            } else {
                out.printf(Locale.ROOT, "%s: spoken by the sotto server at %s%n", output.getFileName(), server.url());
            }
            return true;
        }
        // Streamed: once audio has gone out it cannot be taken back, so a failure from here on is an error, not a
        // reason to speak again locally.
        try (LoopbackHttp.Response response = LocalServers.request(server, speech, raw || outputFormat == null ? OutputFormat.WAV
                : outputFormat, true)) {
            if (response == null) {
                return false;
            }
            try {
                InputStream answer = LoopbackHttp.readAhead(response.body());
                if (outputFormat == null && !raw) {
                    LocalServers.play(answer);
                } else {
                    if (raw) {
                        LocalServers.readStreamedWavHeader(answer);
                    }
                    LocalServers.copyAsItComes(answer, System.out);
                }
            } catch (IOException e) {
                throw new SottoCli.UserError("the sotto server at " + server.url() + " stopped in the middle of its answer (" + e.getMessage()
                        + "); try again, or --no-server");
            }
        }
        return true;
    }

    /** Most bytes of SSML read from stdin (a document is parsed whole). */
    static final int MAX_SSML_BYTES = 1 << 20;

    private static String readSsml() throws IOException {
        byte[] b = System.in.readNBytes(MAX_SSML_BYTES + 1);
        if (b.length > MAX_SSML_BYTES) {
            throw new SottoCli.UserError("SSML on stdin is read whole and may be at most " + MAX_SSML_BYTES + " bytes; split the document");
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The format of -o or --format: --format if given, else the extension of -o; null to play (or --raw). */
    private OutputFormat outputFormat() {
        if (format != null) {
            OutputFormat f = OutputFormat.byName(format);
            if (f == null) {
                throw new SottoCli.UserError("--format must be one of " + OutputFormat.names() + ", not '" + format + "'");
            }
            return f;
        }
        if (output == null) {
            return null;
        }
        OutputFormat f = OutputFormat.forFile(output);
        if (f == null) {
            throw new SottoCli.UserError("cannot tell the format of '" + output.getFileName() + "' from its extension: use .wav, .mp3, .opus"
                    + " (or .ogg), .flac or .pcm, or --format");
        }
        return f;
    }

    private static Path optionalDefaultVoice() throws IOException {
        try {
            return Voices.defaultVoice();
        } catch (SottoCli.UserError e) {
            return null; // the cloud can speak without a local voice
        }
    }

    /** The policy's choice between the local voice and the cloud, every fallback reported on stderr. */
    private HybridSynthesizer hybrid(Path voicePath, Policy p) throws IOException {
        CloudSynthesizer cloudSynth;
        try {
            cloudSynth = new CloudSynthesizer(CloudSynthesizer.Config.of(cloud).withModel(cloudModel).withVoice(cloudVoice));
        } catch (IllegalArgumentException e) {
            throw new SottoCli.UserError(e.getMessage());
        }
        Voice local = null;
        if (voicePath != null) {
            try {
                local = Voices.open(voicePath, null);
            } catch (IOException | RuntimeException e) { // local-first or cloud-first here: the cloud can speak instead
                spec.commandLine().getErr().println("sotto: the local voice cannot be used (" + e.getMessage() + "); the cloud will speak");
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        return Synthesizers.hybrid(local, cloudSynth, p).onFallback(f -> {
            err.println("sotto: using " + f.to() + " instead of " + f.from() + ": " + f.reason());
            err.flush();
        });
    }
}

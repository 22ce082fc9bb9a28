package dev.sotto.cli;

import java.io.IOException;
import java.io.PrintWriter;
import dev.sotto.cloud.Synthesizers;
import dev.sotto.cloud.Policy;
import dev.sotto.cloud.HybridSynthesizer;
import dev.sotto.cloud.CloudSynthesizer;
import dev.sotto.cloud.CloudException;
import dev.sotto.api.AudioStream;
import dev.sotto.api.AudioChunk;
import dev.sotto.api.SpeechStream;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Timing;
import dev.sotto.api.Voice;
import dev.sotto.audio.SampleFormat;
import dev.sotto.io.AtomicFiles;
import dev.sotto.text.Lexicon;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Speaks text with the synthesis API: to a WAV file, as raw PCM on stdout, or through the speakers. */
@Command(name = "say", mixinStandardHelpOptions = true,
        description = "Speak text (argument or stdin): -o FILE.wav, --raw (s16le PCM on stdout, streamed), or play it.")
final class SayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "TEXT", description = "the text (default: read stdin)")
    String text;

    @Option(names = {"-m", "--model"}, paramLabel = "VOICE",
            description = "a .gguf voice, a Piper .onnx or an installed voice's name (default: the installed " + Voices.DEFAULT_VOICE
                    + ", else the first installed voice)")
    Path model;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.wav", description = "write a WAV file (atomically)")
    Path output;

    @Option(names = "--raw", description = "write s16le mono PCM to stdout as each sentence is ready")
    boolean raw;

    @Option(names = "--speed", defaultValue = "1", description = "speaking rate, 1 = the voice's (default: ${DEFAULT-VALUE})")
    float speed;

    @Option(names = "--pitch", defaultValue = "0", paramLabel = "SEMITONES",
            description = "pitch shift in semitones, -12..12, duration kept (default: ${DEFAULT-VALUE})")
    float pitch;

    @Option(names = {"--emotion", "--style"}, defaultValue = "neutral", paramLabel = "STYLE",
            description = "speaking style: neutral, happy, sad, angry, calm, excited, whisper (prosody presets; default: ${DEFAULT-VALUE})")
    String style;

    @Option(names = "--cloud", paramLabel = "URL", description = "an OpenAI-compatible speech API (base URL ending in /v1) to fall back"
            + " on or prefer, by --policy; its key comes from SOTTO_CLOUD_API_KEY or OPENAI_API_KEY")
    String cloud;

    @Option(names = "--policy", defaultValue = "local-only", converter = PolicyConverter.class,
            description = "local-only (text never leaves the device), local-first or cloud-first (default: ${DEFAULT-VALUE})")
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

    @Option(names = "--ssml", description = "the text is SSML (speak, break, prosody, say-as, sub, phoneme, emphasis, p, s)")
    boolean ssml;

    @Option(names = "--volume", defaultValue = "0", paramLabel = "DB", description = "gain in dB, limited at full scale (default: ${DEFAULT-VALUE})")
    float volume;

    @Option(names = "--speaker", defaultValue = "0", description = "speaker id (default: ${DEFAULT-VALUE})")
    int speaker;

    @Option(names = "--variation", defaultValue = "1", description = "expressiveness: 0 flat, 1 the voice's (default: ${DEFAULT-VALUE})")
    float variation;

    @Option(names = "--seed", defaultValue = "0", description = "noise seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--phonemizer", defaultValue = "auto", description = "auto, espeak or java (default: ${DEFAULT-VALUE})")
    String phonemizer;

    @Option(names = "--lexicon", paramLabel = "FILE", description = "user lexicon: lines of 'word<TAB>ipa'")
    Path lexicon;

    @Option(names = "--low-power", description = "less work (about 1.6x) at a loss of quality: for devices on battery")
    boolean lowPower;

    @Option(names = "--timings", paramLabel = "FILE", description = "write timings: .json (phonemes and words), .srt or .vtt (sentences as subtitles)")
    Path timings;

    /** The stream, with bad markup or options reported as the user's mistake. */
    private static SpeechStream synthesize(Voice voice, String input, SynthesisOptions options) {
        try {
            return voice.synthesize(input, options);
        } catch (IllegalArgumentException e) {
            throw new SottoCli.UserError(e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        String input = text != null ? text : new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        if (input.isBlank()) {
            throw new SottoCli.UserError("nothing to say: pass TEXT or pipe it on stdin");
        }
        if (output != null && raw) {
            throw new SottoCli.UserError("choose one of -o FILE.wav and --raw");
        }
        SynthesisOptions options;
        try {
            options = SynthesisOptions.builder().speed(speed).pitch(pitch).style(style).ssml(ssml).volumeDb(volume).speaker(speaker).variation(variation).seed(seed)
                    .phonemizer(phonemizer).lexicon(lexicon == null ? Lexicon.empty() : Lexicon.read(lexicon)).lowPower(lowPower).build();
        } catch (IllegalArgumentException e) {
            throw new SottoCli.UserError(e.getMessage());
        }
        List<AudioChunk> spoken = new ArrayList<>();
        // Local-first and cloud-first can speak through the cloud when no voice is installed; local-only cannot.
        Path voicePath = model != null ? Voices.resolve(model) : cloud != null && policy != Policy.LOCAL_ONLY ? optionalDefaultVoice()
                : Voices.defaultVoice();
        if (cloud != null || policy != Policy.LOCAL_ONLY) {
            return sayHybrid(voicePath, input, options);
        }
        try (Voice voice = Voice.load(voicePath); SpeechStream stream = synthesize(voice, input, options)) {
            if (output != null) {
                List<AudioChunk> chunks = new ArrayList<>();
                stream.forEach(chunks::add);
                spoken.addAll(chunks);
                float[] all = concat(chunks);
                dev.sotto.audio.Wav.write(output, all, voice.sampleRate(), SampleFormat.S16);
                spec.commandLine().getOut().printf(Locale.ROOT, "%s: %.2f s, %d sentence(s)%n", output.getFileName(),
                        all.length / (double) voice.sampleRate(), chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).sentence() + 1);
            } else if (raw) {
                OutputStream out = new BufferedOutputStream(System.out);
                for (AudioChunk c : stream) {
                    out.write(dev.sotto.audio.Wav.encode(c.samples(), 0, c.samples().length, SampleFormat.S16));
                    out.flush();
                    spoken.add(c);
                }
            } else {
                stream.play();
            }
        }
        if (timings != null) {
            String name = timings.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".srt") || name.endsWith(".vtt")) {
                String subtitles = subtitles(spoken, name.endsWith(".vtt"));
                AtomicFiles.write(timings, tmp -> Files.writeString(tmp, subtitles));
            } else {
                writeTimings(timings, spoken);
            }
        }
        return 0;
    }

    /** One cue per sentence, from its first word's start to its last word's end. */
    static String subtitles(List<AudioChunk> chunks, boolean vtt) {
        StringBuilder sb = new StringBuilder(vtt ? "WEBVTT\n\n" : "");
        double offset = 0;
        int cue = 0;
        int sentence = -1;
        double start = 0;
        double end = 0;
        String text = "";
        for (AudioChunk c : chunks) {
            if (c.text().isEmpty()) { // an SSML pause: time passes, no cue
                offset += c.seconds();
                continue;
            }
            if (c.sentence() != sentence) {
                if (sentence >= 0) {
                    cue = appendCue(sb, cue, start, end, text, vtt);
                }
                sentence = c.sentence();
                text = c.text();
                start = Double.NaN;
            }
            for (Timing w : c.wordTimings()) {
                if (Double.isNaN(start)) {
                    start = offset + w.startSeconds(c.sampleRate());
                }
                end = offset + w.endSeconds(c.sampleRate());
            }
            offset += c.seconds();
        }
        if (sentence >= 0) {
            appendCue(sb, cue, start, end, text, vtt);
        }
        return sb.toString();
    }

    /** Appends cue number {@code count + 1} (if it has words) and returns the cue count. */
    private static int appendCue(StringBuilder sb, int count, double start, double end, String text, boolean vtt) {
        if (Double.isNaN(start)) {
            return count;
        }
        sb.append(count + 1).append('\n').append(clock(start, vtt)).append(" --> ").append(clock(end, vtt)).append('\n')
                .append(text).append("\n\n");
        return count + 1;
    }

    private static String clock(double seconds, boolean vtt) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%s%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, vtt ? "." : ",", ms % 1000);
    }

    private static float[] concat(List<AudioChunk> chunks) {
        int total = chunks.stream().mapToInt(c -> c.samples().length).sum();
        float[] all = new float[total];
        int at = 0;
        for (AudioChunk c : chunks) {
            System.arraycopy(c.samples(), 0, all, at, c.samples().length);
            at += c.samples().length;
        }
        return all;
    }

    /**
     * {"chunks":[{"sentence":n,"text":..,"start":s,"phonemes":[[label,start,end],..],"words":[..]}]}, times in seconds
     * from the start of the audio; each chunk lists the phonemes and words that start in it.
     */
    static void writeTimings(Path file, List<AudioChunk> chunks) throws java.io.IOException {
        StringBuilder sb = new StringBuilder("{\"chunks\":[");
        double offset = 0;
        for (int i = 0; i < chunks.size(); i++) {
            AudioChunk c = chunks.get(i);
            int rate = c.sampleRate();
            sb.append(i == 0 ? "" : ",").append("{\"sentence\":").append(c.sentence()).append(",\"text\":").append(json(c.text()))
                    .append(",\"start\":")
                    .append(String.format(Locale.ROOT, "%.4f", offset)).append(",\"phonemes\":");
            appendSpans(sb, c.phonemeTimings(), rate, offset);
            sb.append(",\"words\":");
            appendSpans(sb, c.wordTimings(), rate, offset);
            sb.append('}');
            offset += c.seconds();
        }
        sb.append("]}\n");
        AtomicFiles.write(file, tmp -> Files.writeString(tmp, sb.toString()));
    }

    private static void appendSpans(StringBuilder sb, List<Timing> spans, int rate, double offset) {
        sb.append('[');
        for (int i = 0; i < spans.size(); i++) {
            Timing t = spans.get(i);
            sb.append(i == 0 ? "" : ",").append('[').append(json(t.label())).append(',')
                    .append(String.format(Locale.ROOT, "%.4f,%.4f", offset + t.startSeconds(rate), offset + t.endSeconds(rate))).append(']');
        }
        sb.append(']');
    }

    static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static Path optionalDefaultVoice() throws IOException {
        try {
            return Voices.defaultVoice();
        } catch (SottoCli.UserError e) {
            return null; // cloud-first can speak without a local voice
        }
    }

    /** Speech through {@link HybridSynthesizer}: the policy decides, every fallback is reported on stderr. */
    private Integer sayHybrid(Path voicePath, String input, SynthesisOptions options) throws IOException {
        if (cloud == null) {
            throw new SottoCli.UserError("--policy " + policy.name().toLowerCase(Locale.ROOT).replace('_', '-') + " needs --cloud URL");
        }
        CloudSynthesizer cloudSynth;
        try {
            cloudSynth = new CloudSynthesizer(CloudSynthesizer.Config.of(cloud).withModel(cloudModel).withVoice(cloudVoice));
        } catch (IllegalArgumentException e) {
            throw new SottoCli.UserError(e.getMessage());
        }
        Voice local = voicePath == null ? null : Voice.load(voicePath);
        PrintWriter err = spec.commandLine().getErr();
        try (HybridSynthesizer h = Synthesizers.hybrid(local, cloudSynth, policy).onFallback(f -> {
                err.println("sotto: using " + f.to() + " instead of " + f.from() + ": " + f.reason());
                err.flush();
            })) {
            AudioStream stream;
            try {
                stream = h.synthesize(input, options);
            } catch (CloudException | IllegalArgumentException e) {
                throw new SottoCli.UserError(e.getMessage());
            }
            try (stream) {
                if (output != null) {
                    stream.writeWav(output, SampleFormat.S16);
                    spec.commandLine().getOut().printf(Locale.ROOT, "%s: written%n", output.getFileName());
                } else if (raw) {
                    OutputStream out = new BufferedOutputStream(System.out);
                    stream.writePcm(out);
                    out.flush();
                } else {
                    stream.play();
                }
            }
        }
        return 0;
    }
}

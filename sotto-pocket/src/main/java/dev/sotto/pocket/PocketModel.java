package dev.sotto.pocket;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufValue;
import dev.sotto.io.VoiceNames;
import dev.sotto.kernel.Kernels;
import dev.sotto.model.GenerationSettings;
import dev.sotto.model.ModelInfo;
import dev.sotto.model.ModelInput;
import dev.sotto.model.ModelParameter;
import dev.sotto.model.SpeechModel;
import dev.sotto.model.TextInput;
import dev.sotto.model.Utterance;
import dev.sotto.model.VoiceCloning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Pocket TTS model (Kyutai): immutable weights memory-mapped from a GGUF file, shared by any number of concurrent
 * utterances. Text is prepared and chunked as upstream does ({@link TextChunks}); each chunk starts from the voice's
 * attention cache ({@link VoiceState}), reads its tokens, then FlowLM emits one latent per 80 ms until end of speech,
 * and the streaming Mimi decoder turns latents into 24 kHz audio as they come.
 *
 * <p>As a {@link SpeechModel}: it reads raw text; speed is not a model input (the caller time-stretches); "variation"
 * scales the temperature; "rhythm variation" and speakers do not apply; preset voices are the {@code .safetensors}
 * voice states in the directory {@code MODEL.voices/} beside the model file, and a voice may also be given as a file;
 * low power skips every other transformer layer of FlowLM.
 */
public final class PocketModel implements SpeechModel, VoiceCloning {
    public static final String ARCHITECTURE = "pocket-tts";
    /** Metadata: the default preset voice's name (may be absent). */
    static final String DEFAULT_VOICE = "pocket.default_voice";
    /** Metadata: language tags, as written by the importer. */
    static final String LANGUAGE = "pocket.language";
    /** Metadata: whether the file holds the Mimi encoder (voices from recordings). */
    static final String HAS_ENCODER = "pocket.has_encoder";
    /** Metadata: credit and licence terms. */
    static final String ATTRIBUTION = "pocket.attribution";

    static final String TEMPERATURE = "temperature";
    static final String LSD_STEPS = "lsd_steps";
    static final String EOS_THRESHOLD = "eos_threshold";
    static final String FRAMES_AFTER_EOS = "frames_after_eos";

    private final GgufFile file;
    private final PocketConfig config;
    private final SentencePieceTokenizer tokenizer;
    private final FlowLm flowLm;
    private final MimiDecoder mimi;
    private final MimiEncoder encoder;   // null without the encoder's weights
    private final Path voicesDir;        // preset voices, or null
    private final ModelInfo info;
    private final Map<String, CachedVoice> voices = new LinkedHashMap<>();

    private record CachedVoice(FileTime modified, long size, VoiceState state) {
    }

    private PocketModel(GgufFile file, Path source) throws GgufFormatException {
        this.file = file;
        String arch = file.requireString("general.architecture");
        if (!arch.equals(ARCHITECTURE)) {
            throw new GgufFormatException("not a Pocket TTS model: general.architecture is '" + arch + "'");
        }
        this.config = PocketConfig.readFrom(file);
        this.tokenizer = SentencePieceTokenizer.readFrom(file);
        if (tokenizer.vocabSize() != config.flowLm().nBins()) {
            throw new GgufFormatException("the tokenizer has " + tokenizer.vocabSize() + " pieces but the model's text lookup has "
                    + config.flowLm().nBins());
        }
        PocketWeights w = new PocketWeights(file, PocketLayout.decoder(config));
        this.flowLm = PocketLayers.flowLm(w, config);
        this.mimi = PocketLayers.mimiDecoder(w, config);
        boolean hasEncoder = file.get(HAS_ENCODER).map(v -> v.type() == dev.sotto.gguf.GgufValueType.BOOL && v.asBool()).orElse(false);
        this.encoder = hasEncoder ? PocketLayers.mimiEncoder(new PocketWeights(file, PocketLayout.encoder(config)), config) : null;
        this.voicesDir = source == null ? null : companionDir(source);
        this.info = info(file, config, presetVoices(voicesDir));
    }

    /** Loads a model from an open GGUF file (taking ownership); {@code source} is its path, for the preset voices beside it. */
    public static PocketModel load(GgufFile file, Path source) throws GgufFormatException {
        try {
            return new PocketModel(file, source);
        } catch (GgufFormatException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The preset voices' directory of a model file: {@code MODEL.voices/} beside {@code MODEL.gguf}. */
    public static Path companionDir(Path model) {
        String name = model.getFileName().toString().replaceFirst("\\.gguf$", "");
        return model.resolveSibling(name + ".voices");
    }

    private static List<String> presetVoices(Path dir) {
        List<String> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.safetensors")) {
            for (Path p : ds) {
                out.add(p.getFileName().toString().replaceFirst("\\.safetensors$", ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the preset voices in " + dir, e);
        }
        out.sort(null);
        return out;
    }

    private static ModelInfo info(GgufFile file, PocketConfig config, List<String> presets) {
        String named = file.get(DEFAULT_VOICE).map(GgufValue::asString).orElse("");
        String defaultVoice = presets.contains(named) ? named : presets.isEmpty() ? null : presets.get(0);
        String languages = file.get(LANGUAGE).map(GgufValue::asString).orElse("en");
        PocketConfig.Generation g = config.generation();
        List<ModelParameter> parameters = List.of(
                new ModelParameter(TEMPERATURE, "sampling temperature (noise variance) of the flow head", 0, 10, g.temperature(), false),
                new ModelParameter(LSD_STEPS, "flow decoding steps per latent", 1, 64, (double) g.lsdDecodeSteps(), true),
                new ModelParameter(EOS_THRESHOLD, "end of speech when its logit exceeds this", -1e9, 1e9, g.eosThreshold(), false),
                new ModelParameter(FRAMES_AFTER_EOS, "frames spoken after end of speech (default: the model's, else by sentence length)",
                        0, 1000, config.text().recommendedFramesAfterEos() >= 0 ? (double) config.text().recommendedFramesAfterEos() : null, true));
        return new ModelInfo(ARCHITECTURE, "Pocket TTS", file.get("general.name").map(GgufValue::asString).orElse("pocket-tts"),
                ModelInfo.digestOf(file), config.mimi().sampleRate(), new TextInput.Text(languages.split(",")[0]),
                List.of(languages.split(",")), List.of(""), presets, defaultVoice, parameters, false,
                "every other transformer layer of FlowLM is skipped", file.get(ATTRIBUTION).map(GgufValue::asString).orElse(null));
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    public PocketConfig config() {
        return config;
    }

    public SentencePieceTokenizer tokenizer() {
        return tokenizer;
    }

    FlowLm flowLm() {
        return flowLm;
    }

    MimiDecoder mimi() {
        return mimi;
    }

    /**
     * An utterance of written text. Temperature = parameter x variation; LSD steps, end-of-speech threshold and frames
     * after it from the parameters; noise seeded by the settings' seed.
     */
    @Override
    public Utterance prepare(ModelInput input, GenerationSettings s, Kernels k) {
        if (!(input instanceof ModelInput.Text(String text))) {
            throw new IllegalArgumentException("a Pocket TTS model reads text, not phoneme ids");
        }
        PocketSettings p = settings(s);
        return prepare(text, p, NoiseSource.gaussian(s.seed(), p.temperature(), config.generation().noiseClamp()), k);
    }

    /** The generation settings of a request, checked. */
    PocketSettings settings(GenerationSettings s) {
        info.checkParameters(s.parameters());
        if (s.speaker() != 0) {
            throw new IllegalArgumentException("Pocket TTS models have one speaker per voice; choose a voice instead of speaker " + s.speaker());
        }
        Double frames = s.valueOf(info.parameter(FRAMES_AFTER_EOS).orElseThrow());
        return new PocketSettings(value(s, TEMPERATURE) * s.variation(), (int) value(s, LSD_STEPS), value(s, EOS_THRESHOLD),
                frames == null ? null : frames.intValue(), voice(s.voice()), s.lowPower(), s.streaming());
    }

    private double value(GenerationSettings s, String name) {
        return s.valueOf(info.parameter(name).orElseThrow());
    }

    /** An utterance with explicit settings and noise (recorded noise replays a reference run). */
    public Utterance prepare(String text, PocketSettings settings, NoiseSource noise, Kernels k) {
        List<TextChunks.Chunk> chunks = TextChunks.of(text, tokenizer, config, settings.framesAfterEos());
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("there is no text to speak");
        }
        return new PocketUtterance(this, chunks, settings, noise, k);
    }

    /**
     * The voice state named: a preset (by name), a voice file (.safetensors), or the default preset when null (no
     * voice at all when the model has none).
     */
    public VoiceState voice(String nameOrFile) {
        String name = nameOrFile != null ? nameOrFile : info.defaultVoice();
        if (name == null) {
            return null;
        }
        Path path;
        if (name.toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
            path = Path.of(name);
        } else if (voicesDir != null && VoiceNames.isFileSafe(name)
                && Files.isRegularFile(voicesDir.resolve(name + ".safetensors"))) {
            path = voicesDir.resolve(name + ".safetensors"); // a preset, or a voice file placed there since the model was loaded
        } else {
            throw new IllegalArgumentException("no voice '" + name + "' for " + info.name() + (info.voices().isEmpty()
                    ? " (it has no preset voices; pass a voice file, VOICE.safetensors)" : "; its voices are " + String.join(", ", info.voices())));
        }
        try {
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("no such voice file: " + path);
            }
            FileTime modified = Files.getLastModifiedTime(path);
            long size = Files.size(path);
            String key = path.toAbsolutePath().normalize().toString();
            synchronized (voices) {
                CachedVoice c = voices.get(key);
                if (c != null && c.modified().equals(modified) && c.size() == size) {
                    return c.state();
                }
            }
            var t = flowLm.transformer;
            VoiceState state = VoiceState.read(path, t.layerCount(), t.heads, t.headDim);
            synchronized (voices) {
                voices.put(key, new CachedVoice(modified, size, state));
                if (voices.size() > 16) {
                    voices.remove(voices.keySet().iterator().next());
                }
            }
            return state;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read voice " + path.getFileName() + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- voices from recordings

    /** Shortest recording taken: a quarter of a second. */
    static final double MIN_RECORDING_SECONDS = 0.25;
    /** Longest used: upstream keeps the first 30 seconds. */
    static final double MAX_RECORDING_SECONDS = 30;

    @Override
    public double minSeconds() {
        return MIN_RECORDING_SECONDS;
    }

    @Override
    public double maxSeconds() {
        return MAX_RECORDING_SECONDS;
    }

    @Override
    public String cloningUnavailable() {
        return encoder != null ? null : "this model file has no Mimi encoder, so it cannot make voices from recordings: Kyutai publishes it"
                + " in the gated repository kyutai/pocket-tts (accept the terms on Hugging Face, download model.safetensors from there and"
                + " convert that); the public repository has the preset voices only";
    }

    /**
     * The voice of a recording (mono, at the model's rate): Mimi-encoded to latents, projected to the transformer's
     * width ({@code speaker_proj_weight}), after the learned {@code bos_before_voice} where the model has one, and run
     * through FlowLM: the attention cache it leaves is the voice.
     */
    public VoiceState voiceFromRecording(float[] samples, Kernels k) {
        if (encoder == null) {
            throw new IllegalStateException(cloningUnavailable());
        }
        int[] n = new int[1];
        float[] latents = encoder.encode(k, samples, n);
        float[] conditioning = flowLm.speakerProj.apply(k, latents, n[0]);
        int d = flowLm.width();
        float[] rows = conditioning;
        int count = n[0];
        if (flowLm.bosBeforeVoice != null) {
            rows = new float[(count + 1) * d];
            System.arraycopy(flowLm.bosBeforeVoice, 0, rows, 0, d);
            System.arraycopy(conditioning, 0, rows, d, count * d);
            count++;
        }
        Transformer t = flowLm.transformer;
        KvCache cache = t.newCache(count);
        t.forward(k, rows, count, cache, null);
        float[][] keys = new float[t.layerCount()][];
        float[][] values = new float[t.layerCount()][];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = java.util.Arrays.copyOf(cache.keys(l), count * d);
            values[l] = java.util.Arrays.copyOf(cache.values(l), count * d);
        }
        return new VoiceState(keys, values, count, t.heads, t.headDim);
    }

    @Override
    public void cloneVoice(float[] samples, Path out, Kernels k) throws IOException {
        voiceFromRecording(samples, k).write(out);
    }

    @Override
    public void close() {
        file.close();
    }
}

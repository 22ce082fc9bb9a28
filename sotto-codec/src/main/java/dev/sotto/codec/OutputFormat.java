package dev.sotto.codec;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The audio formats sotto writes: the ones OpenAI's speech API offers, bar AAC (no maintained pure-Java encoder). */
public enum OutputFormat {
    /** 16-bit PCM WAV at the voice's rate. */
    WAV("wav", "audio/wav", List.of("wav", "wave")),
    /** MPEG-1/2 Layer III, 64 kbit/s mono, at the voice's rate when MP3 has it. */
    MP3("mp3", "audio/mpeg", List.of("mp3")),
    /** Opus in Ogg (RFC 7845), 32 kbit/s mono, as OpenAI sends it. */
    OPUS("opus", "audio/ogg; codecs=opus", List.of("opus", "ogg", "oga")),
    /** Lossless FLAC, 16-bit, at the voice's rate. */
    FLAC("flac", "audio/flac", List.of("flac")),
    /** Raw s16le mono at 24 kHz, as OpenAI's pcm (its clients assume that rate). */
    PCM("pcm", "audio/pcm", List.of("pcm", "raw"));

    /** OpenAI's rate for raw PCM. */
    public static final int PCM_RATE = 24_000;

    private final String id;
    private final String contentType;
    private final List<String> extensions;

    OutputFormat(String id, String contentType, List<String> extensions) {
        this.id = id;
        this.contentType = contentType;
        this.extensions = extensions;
    }

    /** The name in requests and on the command line: wav, mp3, opus, flac, pcm. */
    public String id() {
        return id;
    }

    /** The HTTP {@code Content-Type}. */
    public String contentType() {
        return contentType;
    }

    /** File name extensions that mean this format, the usual one first. */
    public List<String> extensions() {
        return extensions;
    }

    /** The names of every format, for messages: "wav, mp3, opus, flac, pcm". */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(OutputFormat::id).toList());
    }

    /** The format called {@code name} (case-insensitive; "ogg" is Opus), or null. */
    public static OutputFormat byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (OutputFormat f : values()) {
            if (f.id.equals(n) || f.extensions.contains(n)) {
                return f;
            }
        }
        return null;
    }

    /** The format a file's extension names, or null when it names none. */
    public static OutputFormat forFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : byName(name.substring(dot + 1));
    }

    /** The sample rate the output has for a voice at {@code sourceRate} (what a player of raw PCM must be told). */
    public int outputRate(int sourceRate) {
        return switch (this) {
            case WAV, FLAC -> sourceRate;
            case PCM -> PCM_RATE;
            case MP3 -> Mp3Encoder.encodedRate(sourceRate);
            case OPUS -> OggOpusEncoder.DECODED_RATE;
        };
    }

    /** The smallest of {@code rates} (ascending) at or above {@code sourceRate}, else the highest: a codec's rate for a voice. */
    static int rateAtOrAbove(int sourceRate, int[] rates) {
        for (int r : rates) {
            if (r >= sourceRate) {
                return r;
            }
        }
        return rates[rates.length - 1];
    }

    /** A streaming encoder writing this format to {@code out}, fed samples at {@code sourceRate}. */
    public AudioEncoder encoder(OutputStream out, int sourceRate) {
        if (sourceRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sourceRate);
        }
        return switch (this) {
            case WAV -> new WavEncoder(out, sourceRate);
            case PCM -> new PcmEncoder(out, sourceRate, PCM_RATE);
            case MP3 -> new Mp3Encoder(out, sourceRate);
            case OPUS -> new OggOpusEncoder(out, sourceRate);
            case FLAC -> new FlacEncoder(out, sourceRate);
        };
    }
}

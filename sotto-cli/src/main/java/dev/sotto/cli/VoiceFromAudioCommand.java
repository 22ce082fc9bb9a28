package dev.sotto.cli;

import dev.sotto.api.Voice;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Makes a voice from a recording (Pocket TTS with its Mimi encoder). */
@Command(name = "voice-from-audio", mixinStandardHelpOptions = true,
        description = {"Make a voice from a recording of someone speaking (a WAV file, any rate, mono or stereo; 0.25 s at least, the first"
                + " 30 s are used) and save it as a voice file for --voice.",
            "Only with the consent of the person recorded: Kyutai's terms for Pocket TTS voice cloning require it."})
final class VoiceFromAudioCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options.Model voice;

    @Parameters(paramLabel = "RECORDING.wav", description = "the recording")
    Path recording;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "VOICE.safetensors",
            description = "the voice file (upstream's layout, written atomically)")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
            throw new SottoCli.UserError("the voice file must end in .safetensors");
        }
        try (Voice v = voice.open()) {
            long t0 = System.nanoTime();
            double seconds = v.cloneVoice(recording, output);
            double took = (System.nanoTime() - t0) / 1e9;
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: a voice from %.1f s of %s (made in %.2f s); use it with: sotto say -m %s"
                    + " --voice %s \"Hello.\"%n", output.getFileName(), seconds, recording.getFileName(), took, voice.model, output);
        }
        return 0;
    }
}

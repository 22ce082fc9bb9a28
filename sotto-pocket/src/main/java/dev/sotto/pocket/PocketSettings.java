package dev.sotto.pocket;

/**
 * The settings of one Pocket TTS utterance.
 *
 * @param temperature noise variance of the flow head (0: deterministic)
 * @param lsdSteps flow decoding steps
 * @param eosThreshold end of speech when the EOS logit exceeds it
 * @param framesAfterEos frames after end of speech, or null to decide per chunk as upstream does
 * @param voice the voice to start from, or null for none
 * @param lowPower skip every other FlowLM layer
 * @param streaming first audio after one latent, then small pieces; otherwise one piece per chunk
 */
public record PocketSettings(double temperature, int lsdSteps, double eosThreshold, Integer framesAfterEos, VoiceState voice, boolean lowPower,
                             boolean streaming) {
    public PocketSettings {
        if (!(temperature >= 0 && temperature <= 100) || lsdSteps < 1 || lsdSteps > 64 || Double.isNaN(eosThreshold)
                || (framesAfterEos != null && (framesAfterEos < 0 || framesAfterEos > 1000))) {
            throw new IllegalArgumentException("Pocket TTS settings out of range: temperature " + temperature + ", lsd steps " + lsdSteps
                    + ", eos threshold " + eosThreshold + ", frames after eos " + framesAfterEos);
        }
    }
}

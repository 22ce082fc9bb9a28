package dev.sotto.cloud;

import dev.sotto.api.Synthesizer;

/** Ways to combine synthesizers. */
public final class Synthesizers {
    private Synthesizers() {
    }

    /**
     * {@code local} and {@code cloud} under {@code policy} (either may be null where the policy allows), with the
     * standard circuit breaker and no extra condition. Switching policy is this one line.
     */
    public static HybridSynthesizer hybrid(Synthesizer local, Synthesizer cloud, Policy policy) {
        return new HybridSynthesizer(local, cloud, policy, () -> true, CircuitBreaker.standard(), f -> { });
    }
}

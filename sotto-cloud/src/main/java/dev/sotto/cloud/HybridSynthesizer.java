package dev.sotto.cloud;

import dev.sotto.api.AudioChunk;
import dev.sotto.api.AudioStream;
import dev.sotto.api.ReadOnceAudioStream;
import dev.sotto.api.VoiceListing;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Synthesizer;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Local and cloud synthesis chosen by a {@link Policy}, a caller-supplied condition (e.g. "on mains power and on
 * Wi-Fi") that must hold for the cloud to be used, and a {@link CircuitBreaker} on the cloud. The decision is made
 * before the first chunk: the first one's synthesis (or the cloud's first bytes) is part of the attempt, so a
 * failure there falls back; a failure later in the stream is the caller's (the utterance cannot change voice
 * midway). Every fallback is logged (logger {@code dev.sotto.cloud}) and passed to the listener with its reason.
 * Immutable and thread-safe; {@code with...} methods return modified copies.
 */
public final class HybridSynthesizer implements Synthesizer {
    private static final Logger LOG = Logger.getLogger("dev.sotto.cloud");

    private final Synthesizer local;
    private final Synthesizer cloud;
    private final Policy policy;
    private final BooleanSupplier cloudAllowed;
    private final CircuitBreaker breaker;
    private final Consumer<Fallback> listener;

    HybridSynthesizer(Synthesizer local, Synthesizer cloud, Policy policy, BooleanSupplier cloudAllowed, CircuitBreaker breaker,
                      Consumer<Fallback> listener) {
        this.local = local;
        this.cloud = cloud;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.cloudAllowed = Objects.requireNonNull(cloudAllowed, "cloudAllowed");
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (local == null && policy == Policy.LOCAL_ONLY) {
            throw new IllegalArgumentException("LOCAL_ONLY needs a local voice");
        }
        if (local == null && cloud == null) {
            throw new IllegalArgumentException("a hybrid synthesizer needs a local voice, a cloud, or both");
        }
    }

    /** The cloud is used only while {@code condition} holds (checked per request). */
    public HybridSynthesizer withCloudCondition(BooleanSupplier condition) {
        return new HybridSynthesizer(local, cloud, policy, condition, breaker, listener);
    }

    public HybridSynthesizer withBreaker(CircuitBreaker b) {
        return new HybridSynthesizer(local, cloud, policy, cloudAllowed, b, listener);
    }

    /** Also tells {@code l} about every fallback. */
    public HybridSynthesizer onFallback(Consumer<Fallback> l) {
        return new HybridSynthesizer(local, cloud, policy, cloudAllowed, breaker, listener.andThen(l));
    }

    public Policy policy() {
        return policy;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The local voice's listing, else the cloud's. */
    @Override
    public VoiceListing listing() {
        return local != null ? local.listing() : cloud.listing();
    }

    @Override
    public String describe() {
        return "hybrid(" + policy.name().toLowerCase(java.util.Locale.ROOT) + ", " + (local == null ? "no local voice" : local.describe()) + ", "
                + (cloud == null ? "no cloud" : cloud.describe()) + ")";
    }

    @Override
    public AudioStream synthesize(String text, SynthesisOptions options) {
        return switch (policy) {
            case LOCAL_ONLY -> local.synthesize(text, options);
            case LOCAL_FIRST -> localFirst(text, options);
            case CLOUD_FIRST -> cloudFirst(text, options);
        };
    }

    private AudioStream localFirst(String text, SynthesisOptions options) {
        String reason;
        if (local == null) {
            reason = "no local voice";
        } else {
            try {
                return primed(local.synthesize(text, options));
            } catch (RuntimeException e) {
                reason = "local synthesis failed: " + e.getMessage();
            }
        }
        String skipped = local == null ? "local" : local.describe();
        String why = cloudRefusal();
        if (why != null) {
            throw new CloudException(CloudException.Kind.NOT_ALLOWED, reason + ", and the cloud is not available: " + why, 0);
        }
        fallback(skipped, cloud.describe(), reason);
        return callCloud(text, options);
    }

    private AudioStream cloudFirst(String text, SynthesisOptions options) {
        String reason = cloudRefusal();
        if (reason == null) {
            try {
                return callCloud(text, options);
            } catch (CloudException e) {
                reason = e.getMessage();
            }
        }
        if (local == null) {
            throw new CloudException(CloudException.Kind.NOT_ALLOWED, "the cloud failed (" + reason + ") and there is no local voice", 0);
        }
        fallback(cloud == null ? "cloud" : cloud.describe(), local.describe(), reason);
        return local.synthesize(text, options);
    }

    /** Why the cloud may not be asked now, or null when it may (this takes the breaker's trial slot). */
    private String cloudRefusal() {
        if (cloud == null) {
            return "no cloud is configured";
        }
        if (!cloudAllowed.getAsBoolean()) {
            return "the cloud condition does not hold";
        }
        if (!breaker.allowRequest()) {
            return "the circuit breaker is open after repeated cloud failures";
        }
        return null;
    }

    private AudioStream callCloud(String text, SynthesisOptions options) {
        try {
            AudioStream s = primed(cloud.synthesize(text, options));
            breaker.recordSuccess();
            return s;
        } catch (CloudException e) {
            if (e.kind() != CloudException.Kind.REJECTED) {
                breaker.recordFailure();
            }
            throw e;
        } catch (RuntimeException e) {
            breaker.recordFailure();
            throw new CloudException(CloudException.Kind.UNREACHABLE, cloud.describe() + " failed: " + e.getMessage(), 0);
        }
    }

    private void fallback(String from, String to, String reason) {
        Fallback f = new Fallback(from, to, reason);
        LOG.info(() -> "falling back from " + from + " to " + to + ": " + reason);
        listener.accept(f);
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    /** {@code s} with its first chunk already made, so that failing to start is an exception here. */
    private static AudioStream primed(AudioStream s) {
        Iterator<AudioChunk> it;
        AudioChunk first;
        try {
            it = s.iterator();
            first = it.hasNext() ? it.next() : null;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return new ReadOnceAudioStream() {
            private boolean firstGiven;

            @Override
            public int sampleRate() {
                return s.sampleRate();
            }

            @Override
            protected AudioChunk produce() {
                if (!firstGiven) {
                    firstGiven = true;
                    return first; // null when the stream was empty
                }
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }
}

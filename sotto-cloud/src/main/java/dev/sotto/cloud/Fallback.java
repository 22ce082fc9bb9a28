package dev.sotto.cloud;

/**
 * A request the hybrid synthesizer sent somewhere other than its policy's first choice.
 *
 * @param from what was skipped or failed ("cloud:https://...", "local:voice")
 * @param to what speaks instead
 * @param reason why, in words
 */
public record Fallback(String from, String to, String reason) {
}

package dev.taskboard.devops.runbook;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a section's steps run: per-step timeout, attempts with doubling backoff, the environment URL,
 * working directory, shutdown grace, extra environment variables and the names of secret ones.
 */
public record Settings(
    Duration timeout,
    int attempts,
    Duration backoff,
    Optional<String> url,
    Path workdir,
    Duration grace,
    Map<String, String> env,
    Set<String> redact) {

  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  static final int DEFAULT_ATTEMPTS = 3;
  static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(2);
  static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  public Settings {
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    redact = Collections.unmodifiableSet(new TreeSet<>(redact));
  }

  /** The settings of a section that sets nothing, for a runbook in {@code dir}. */
  static Settings defaults(Path dir) {
    return new Settings(
        DEFAULT_TIMEOUT,
        DEFAULT_ATTEMPTS,
        DEFAULT_BACKOFF,
        Optional.empty(),
        dir,
        DEFAULT_GRACE,
        Map.of(),
        Set.of());
  }

  /**
   * The wait before attempt {@code attempt} (2 or later): backoff, doubled for each further one.
   */
  public Duration backoffBefore(int attempt) {
    if (attempt <= 1) {
      return Duration.ZERO;
    }
    int doublings = Math.min(attempt - 2, 30);
    return backoff.multipliedBy(1L << doublings);
  }
}

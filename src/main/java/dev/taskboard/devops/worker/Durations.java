package dev.taskboard.devops.worker;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people read them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d}.
 */
public final class Durations {
  private Durations() {}

  public static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms % 1000 != 0 && ms < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s % 60 == 0 ? s / 60 + "m" : s / 60 + "m" + s % 60 + "s";
    }
    if (s < 48 * 3600) {
      long m = s / 60;
      return m % 60 == 0 ? m / 60 + "h" : m / 60 + "h" + m % 60 + "m";
    }
    long h = s / 3600;
    return h % 24 == 0 ? h / 24 + "d" : h / 24 + "d" + h % 24 + "h";
  }
}

package dev.taskboard.devops.task;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The times written into a task ({@code created_at}, {@code updated_at}) by hand-run commands: UTC
 * to the millisecond, always with three digits, e.g. {@code 2026-12-03T01:10:00.120Z}.
 */
public final class Stamp {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Stamp() {}

  public static String of(Instant instant) {
    return FORMAT.format(instant);
  }

  public static String now(Clock clock) {
    return of(clock.instant());
  }
}

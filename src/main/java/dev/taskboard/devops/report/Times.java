package dev.taskboard.devops.report;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** Reading the times agents write, and writing times and durations for people. */
final class Times {
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Times() {}

  /**
   * A time as agents write them: {@code 2026-11-01T10:00:00Z}, with an offset, without a zone
   * (taken as UTC) or a bare date (its UTC midnight); empty when it is none of these.
   */
  static Optional<Instant> lenient(String text) {
    String t = text.strip();
    try {
      return Optional.of(OffsetDateTime.parse(t).toInstant());
    } catch (DateTimeParseException notWithOffset) {
      // try the next form
    }
    try {
      return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException notLocal) {
      // try the next form
    }
    try {
      return Optional.of(LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant());
    } catch (DateTimeParseException notADate) {
      return Optional.empty();
    }
  }

  /** {@code 2026-11-01 10:00}, in UTC. */
  static String minutes(Instant at) {
    return MINUTES.format(at);
  }

  /**
   * A duration for people, in the unit that fits: seconds under a minute ({@code 13s}), minutes
   * under an hour ({@code 4m}, {@code 4.5m}), hours under two days ({@code 2.5h}), days beyond
   * ({@code 3d}). One decimal at most, none when it is zero.
   */
  static String duration(Duration d) {
    double seconds = d.toMillis() / 1000.0;
    if (Math.round(seconds) < 60) {
      return Math.round(seconds) + "s";
    }
    // Each unit is chosen on the rounded figure, so 59.97 minutes reads 1h, not 60m.
    if (tenths(seconds / 60) < 600) {
      return decimal(seconds / 60) + "m";
    }
    if (tenths(seconds / 3600) < 480) {
      return decimal(seconds / 3600) + "h";
    }
    return decimal(seconds / 86_400) + "d";
  }

  /** {@link #duration(Duration)} of a figure measured in hours. */
  static String hours(double hours) {
    return duration(Duration.ofMillis(Math.round(hours * 3_600_000)));
  }

  private static long tenths(double value) {
    return Math.round(value * 10);
  }

  private static String decimal(double value) {
    long tenths = tenths(value);
    return tenths % 10 == 0
        ? String.valueOf(tenths / 10)
        : String.format(Locale.ROOT, "%.1f", tenths / 10.0);
  }

  /** {@code 1 day}, {@code 10 days}, {@code 11.5 days}. */
  static String days(double days) {
    String n =
        days == Math.rint(days)
            ? String.format(Locale.ROOT, "%.0f", days)
            : String.format(Locale.ROOT, "%.1f", days);
    return n + (n.equals("1") ? " day" : " days");
  }

  static double hoursOf(Duration d) {
    return d.toMillis() / 3_600_000.0;
  }
}

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

  /** A duration given in hours, for people: {@code 45 min}, {@code 5.5 h}, {@code 3.2 d}. */
  static String hours(double hours) {
    if (hours < 1) {
      return Math.round(hours * 60) + " min";
    }
    if (hours < 72) {
      return String.format(Locale.ROOT, "%.1f h", hours);
    }
    return String.format(Locale.ROOT, "%.1f d", hours / 24);
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

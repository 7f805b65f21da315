package dev.taskboard.devops.report;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The chart's time axis: from the first to the last point it shows, with a little margin, and ticks
 * at round times (seconds to years) labelled in the unit that fits their spacing.
 */
final class TimeAxis {
  /** At most this many ticks: labels of up to 15 characters stay apart on the chart's width. */
  private static final int MAX_TICKS = 8;

  /** Points closer than this (one deployment) get an axis of this length around them. */
  private static final long MIN_SPAN = Duration.ofMinutes(2).toMillis();

  /** Each side's margin, as a share of the points' span: marks stay off the edges. */
  private static final double MARGIN = 0.05;

  private static final long SECOND = 1000;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;

  /** Fixed steps align to Mondays, 00:00 UTC (1970-01-05); shorter ones divide a day. */
  private static final long MONDAY = 4 * DAY;

  /** A tick spacing: a fixed length, or whole calendar months. */
  private record Step(long millis, int months) {
    static Step of(long millis) {
      return new Step(millis, 0);
    }

    static Step months(int months) {
      return new Step(Math.round(months * 30.436875 * DAY), months);
    }
  }

  private static final List<Step> STEPS =
      List.of(
          Step.of(SECOND),
          Step.of(2 * SECOND),
          Step.of(5 * SECOND),
          Step.of(10 * SECOND),
          Step.of(15 * SECOND),
          Step.of(30 * SECOND),
          Step.of(MINUTE),
          Step.of(2 * MINUTE),
          Step.of(5 * MINUTE),
          Step.of(10 * MINUTE),
          Step.of(15 * MINUTE),
          Step.of(30 * MINUTE),
          Step.of(HOUR),
          Step.of(2 * HOUR),
          Step.of(3 * HOUR),
          Step.of(6 * HOUR),
          Step.of(12 * HOUR),
          Step.of(DAY),
          Step.of(2 * DAY),
          Step.of(7 * DAY),
          Step.of(14 * DAY),
          Step.months(1),
          Step.months(2),
          Step.months(3),
          Step.months(6),
          Step.months(12),
          Step.months(24),
          Step.months(60),
          Step.months(120));

  private static final DateTimeFormatter SECONDS = utc("HH:mm:ss");
  private static final DateTimeFormatter DAY_SECONDS = utc("MMM d HH:mm:ss");
  private static final DateTimeFormatter MINUTES = utc("HH:mm");
  private static final DateTimeFormatter DAY_MINUTES = utc("MMM d HH:mm");
  private static final DateTimeFormatter DATE = utc("MMM d");
  private static final DateTimeFormatter MONTH = utc("MMM");
  private static final DateTimeFormatter MONTH_YEAR = utc("MMM yyyy");
  private static final DateTimeFormatter YEAR = utc("yyyy");

  /** A tick: where, and its label. */
  record Tick(Instant at, String label) {}

  private final long start;
  private final long span;

  private TimeAxis(long start, long span) {
    this.start = start;
    this.span = span;
  }

  /** The axis that shows {@code points} (at least one) with a margin on each side. */
  static TimeAxis fit(Collection<Instant> points) {
    Objects.requireNonNull(points, "points == null");
    if (points.isEmpty()) {
      throw new IllegalArgumentException("points is empty");
    }
    long first = points.stream().mapToLong(Instant::toEpochMilli).min().orElseThrow();
    long last = points.stream().mapToLong(Instant::toEpochMilli).max().orElseThrow();
    long shown = Math.max(last - first, MIN_SPAN);
    long margin = Math.round(shown * MARGIN);
    long center = first + (last - first) / 2;
    return new TimeAxis(center - shown / 2 - margin, shown + 2 * margin);
  }

  Instant start() {
    return Instant.ofEpochMilli(start);
  }

  Instant end() {
    return Instant.ofEpochMilli(start + span);
  }

  /** Where {@code at} is along the axis: 0 at its start, 1 at its end, clamped to [0, 1]. */
  double fraction(Instant at) {
    double f = (at.toEpochMilli() - start) / (double) span;
    return Math.min(1.0, Math.max(0.0, f));
  }

  /** The ticks inside the axis, at most {@value #MAX_TICKS} of them save for centuries. */
  List<Tick> ticks() {
    Step step = step();
    List<Tick> ticks = new ArrayList<>();
    Instant previous = null;
    for (Instant t : times(step)) {
      ticks.add(new Tick(t, label(t, step, previous)));
      previous = t;
    }
    return ticks;
  }

  private Step step() {
    for (Step s : STEPS) {
      // The axis holds at most ⌊span / step⌋ + 1 ticks.
      if (span / s.millis() + 1 <= MAX_TICKS) {
        return s;
      }
    }
    return STEPS.get(STEPS.size() - 1);
  }

  private List<Instant> times(Step step) {
    List<Instant> times = new ArrayList<>();
    long end = start + span;
    if (step.months() == 0) {
      long m = step.millis();
      long origin = m >= DAY ? MONDAY : 0;
      for (long t = origin + Math.floorDiv(start - origin + m - 1, m) * m; t <= end; t += m) {
        times.add(Instant.ofEpochMilli(t));
      }
      return times;
    }
    YearMonth month = YearMonth.from(start().atOffset(ZoneOffset.UTC));
    while (monthIndex(month) % step.months() != 0 || startOf(month) < start) {
      month = month.plusMonths(1);
    }
    for (; startOf(month) <= end; month = month.plusMonths(step.months())) {
      times.add(Instant.ofEpochMilli(startOf(month)));
    }
    return times;
  }

  /**
   * Seconds, minutes, dates, months or years as the step needs; the first tick (and the first of
   * each new day or year) carries the larger unit too.
   */
  private static String label(Instant t, Step step, Instant previous) {
    if (step.months() >= 12) {
      return YEAR.format(t);
    }
    if (step.months() > 0) {
      boolean newYear = previous == null || !YEAR.format(previous).equals(YEAR.format(t));
      return (newYear ? MONTH_YEAR : MONTH).format(t);
    }
    if (step.millis() >= DAY) {
      return DATE.format(t);
    }
    boolean newDay = previous == null || !DATE.format(previous).equals(DATE.format(t));
    if (step.millis() < MINUTE) {
      return (newDay ? DAY_SECONDS : SECONDS).format(t);
    }
    return (newDay ? DAY_MINUTES : MINUTES).format(t);
  }

  private static int monthIndex(YearMonth month) {
    return month.getYear() * 12 + month.getMonthValue() - 1;
  }

  private static long startOf(YearMonth month) {
    return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  private static DateTimeFormatter utc(String pattern) {
    return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(ZoneOffset.UTC);
  }
}

package dev.taskboard.devops.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's time axis fits the history it draws, from its first to its last mark with a 5% margin
 * each side: marks land at x0 + f × 848 on the plot from x = 150 to 998.
 */
class SvgChartTest {
  private static final Pattern CIRCLE =
      Pattern.compile(
          "<g class=\"mark success\" data-task=\"[^\"]*\"><title>[^<]*</title><circle cx=\"(\\d+)\"");
  private static final Pattern TICK =
      Pattern.compile("<text x=\"(\\d+)\" y=\"\\d+\" text-anchor=\"middle\">([^<]*)</text>");

  @TempDir Path dir;

  @Test
  void chart_threeMinutesOfDeploymentsSpanTheAxis_withTicksEveryThirtySeconds() throws IOException {
    // The window runs to the report's time, 14 hours later: the axis must not follow it.
    String svg = chart("2026-11-10T10:00:00Z", "2026-11-10T10:01:30Z", "2026-11-10T10:03:00Z");

    // axis 09:59:51 to 10:03:09 (198 s): 9/198, 99/198 and 189/198 of the plot
    assertEquals(List.of(189, 574, 959), marks(svg));
    assertEquals(
        List.of(
            "Nov 10 10:00:00",
            "10:00:30",
            "10:01:00",
            "10:01:30",
            "10:02:00",
            "10:02:30",
            "10:03:00"),
        ticks(svg));
  }

  @Test
  void chart_oneDeploymentSitsInTheMiddleOfATwoMinuteAxis() throws IOException {
    String svg = chart("2026-11-10T10:00:00Z");

    assertEquals(List.of(574), marks(svg));
    assertEquals(
        List.of("Nov 10 09:59:00", "09:59:30", "10:00:00", "10:00:30", "10:01:00"), ticks(svg));
  }

  @Test
  void chart_monthsOfHistoryTickByMonth() throws IOException {
    String svg = chart("2026-06-01T00:00:00Z", "2026-08-26T12:00:00Z", "2026-11-10T00:00:00Z");

    // 162 days and 8.1 days' margin each side: the middle one at (8.1 + 86.5) / 178.2
    assertEquals(List.of(189, 600, 959), marks(svg));
    assertEquals(List.of("Jun 2026", "Jul", "Aug", "Sep", "Oct", "Nov"), ticks(svg));
  }

  @Test
  void chart_hoursOfHistoryTickByTheHourWithTheDateAtMidnight() throws IOException {
    String svg = chart("2026-11-09T20:00:00Z", "2026-11-10T04:00:00Z");

    assertEquals(List.of(189, 959), marks(svg));
    // 8 h and 24 min margins: hourly ticks would be 9, so every 2 h
    assertEquals(List.of("Nov 9 20:00", "22:00", "Nov 10 00:00", "02:00", "04:00"), ticks(svg));
  }

  @Test
  void axis_ofYearsTicksByYear_andOfMonthsAcrossNewYearNamesTheYear() {
    assertEquals(
        List.of("2020", "2021", "2022", "2023", "2024", "2025", "2026"),
        labels(TimeAxis.fit(times("2020-01-01T00:00:00Z", "2026-01-01T00:00:00Z"))));
    assertEquals(
        List.of("Oct 2026", "Nov", "Dec", "Jan 2027", "Feb", "Mar"),
        labels(TimeAxis.fit(times("2026-10-01T00:00:00Z", "2027-03-01T00:00:00Z"))));
  }

  private String chart(String... deployedAt) throws IOException {
    Fixture f = new Fixture(dir);
    for (int i = 0; i < deployedAt.length; i++) {
      f.task("T-" + i, "deployment_staging", "2026-01-01T00:00:00Z", null)
          .deployed("T-" + i, deployedAt[i]);
    }
    DeploymentReport report = f.write().report(Optional.empty());
    return SvgChart.render(report);
  }

  private static List<Integer> marks(String svg) {
    Matcher m = CIRCLE.matcher(svg);
    List<Integer> xs = new ArrayList<>();
    while (m.find()) {
      xs.add(Integer.parseInt(m.group(1)));
    }
    return xs;
  }

  private static List<String> ticks(String svg) {
    Matcher m = TICK.matcher(svg.substring(svg.indexOf("<g class=\"axis\"")));
    List<String> labels = new ArrayList<>();
    while (m.find()) {
      labels.add(m.group(2));
    }
    return labels;
  }

  private static List<Instant> times(String... times) {
    return java.util.Arrays.stream(times).map(Instant::parse).toList();
  }

  private static List<String> labels(TimeAxis axis) {
    return axis.ticks().stream().map(TimeAxis.Tick::label).toList();
  }
}

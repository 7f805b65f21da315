package dev.taskboard.devops.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durations for people: the unit that fits, in the text and on the page. */
class TimesTest {
  @TempDir Path dir;

  @Test
  void duration_picksTheUnitThatFits() {
    Map<Duration, String> expected = new LinkedHashMap<>();
    expected.put(Duration.ZERO, "0s");
    expected.put(Duration.ofSeconds(13), "13s");
    expected.put(Duration.ofMillis(59_400), "59s");
    expected.put(Duration.ofMillis(59_600), "1m"); // 60s would be a minute in the wrong unit
    expected.put(Duration.ofMinutes(4), "4m");
    expected.put(Duration.ofSeconds(270), "4.5m");
    expected.put(Duration.ofSeconds(3597), "1h"); // 59.95 m rounds to an hour
    expected.put(Duration.ofMinutes(150), "2.5h");
    expected.put(Duration.ofHours(24), "24h");
    expected.put(Duration.ofMinutes(47 * 60 + 58), "2d"); // 47.97 h rounds to two days
    expected.put(Duration.ofDays(3), "3d");
    expected.put(Duration.ofHours(77), "3.2d");
    expected.put(Duration.ofDays(400), "400d");
    expected.forEach((d, text) -> assertEquals(text, Times.duration(d), d.toString()));
  }

  @Test
  void hours_areShownAsDurations() {
    assertEquals("5h", Times.hours(5.0));
    assertEquals("18.4h", Times.hours(18.4));
    assertEquals("13s", Times.hours(13 / 3600.0));
  }

  @Test
  void leadTimeOfThirteenSeconds_reads13sInTextAndPageAndExactSecondsInJson() throws IOException {
    DeploymentReport report =
        new Fixture(dir)
            .task("T-1", "deployment_staging", "2026-11-02T09:59:47Z", null)
            .deployed("T-1", "2026-11-02T10:00:00Z")
            .write()
            .report();

    String text = ReportFormat.TEXT.render(report);
    String html = ReportFormat.HTML.render(report);
    String json = ReportFormat.JSON.render(report);

    assertTrue(text.contains("13s / 13s"), text);
    assertTrue(html.contains("<td class=\"num\">13s</td>"), html);
    assertTrue(html.contains("<dd>13s<small>median of 1 · p90 13s</small></dd>"), html);
    assertTrue(html.contains(", lead time 13s"), "the mark's tooltip");
    assertTrue(json.contains("\"lead_time_seconds\" : 13.0"), json);
    assertTrue(json.contains("\"lead_time_hours\" : 0.0036"), "unchanged, rounded to 4 decimals");
  }
}

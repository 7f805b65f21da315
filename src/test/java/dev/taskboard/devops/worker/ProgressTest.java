package dev.taskboard.devops.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-place progress line on a terminal. */
class ProgressTest {
  @TempDir Path dir;

  @Test
  void line_showsTaskStepElapsedAndLastLogLine() throws IOException {
    Path log = dir.resolve("attempt-1.log");
    Files.writeString(
        log, "== deploy#1 (sh) started\ncopying release\nstarting greeter on :18081\n\n");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress.OnTerminal p =
        new Progress.OnTerminal(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock, 60);

    p.started("TASK-004", "deploy#1", log);
    clock.advance(Duration.ofMillis(12_340));

    assertEquals("▶ TASK-004 deploy#1 12.3s │ starting greeter on :18081", p.line());
    Files.writeString(log, "x".repeat(100) + "\n", java.nio.file.StandardOpenOption.APPEND);
    assertEquals(60, p.line().length());
    assertEquals('…', p.line().charAt(59));
    p.close();
    assertEquals(
        true,
        bytes.toString(StandardCharsets.UTF_8).endsWith("\r\033[K"),
        "the line is cleared at the end");
  }

  @Test
  void aDrawThatRunsAfterFinished_leavesTheLineCleared() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress.OnTerminal p =
        new Progress.OnTerminal(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            new MutableClock(Instant.parse("2026-11-20T10:00:00Z")),
            60);
    p.started("TASK-004", "deploy#1", dir.resolve("none.log"));
    p.finished();
    p.draw(); // the ticker's last run, already under way when the schedule was cancelled
    String shown = bytes.toString(StandardCharsets.UTF_8);
    p.close();
    assertEquals(true, shown.endsWith("\r\033[K"), "cleared at the end");
  }

  @Test
  void offATerminal_nothingIsShown() {
    Progress.NONE.started("T", "deploy#1", dir.resolve("none.log"));
    Progress.NONE.finished();
    assertEquals("", Progress.OnTerminal.lastLine(dir.resolve("none.log")));
  }
}

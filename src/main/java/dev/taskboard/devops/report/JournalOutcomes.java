package dev.taskboard.devops.report;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outcome events of the worker's journal, read line by line. A line that does not parse (the
 * torn last line a crash mid-append leaves) is skipped and becomes a warning.
 */
final class JournalOutcomes {
  /** One outcome event, and whether a deploy step ran since the task was claimed. */
  record Event(
      String task,
      Instant at,
      String status,
      String message,
      boolean rollbackPerformed,
      int attempts,
      boolean deployStepRan) {}

  /** What the journal holds: outcome events in journal order, and what could not be read. */
  record Read(List<Event> events, List<String> warnings) {
    Read {
      events = List.copyOf(events);
      warnings = List.copyOf(warnings);
    }
  }

  private final Path file;
  private final List<Event> events = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  // Tasks whose deploy phase started since their last claim (or outcome): a failure after that
  // changed the environment; one before it (a gate, a rejection, a failed pre-check) did not.
  private final Set<String> deploying = new HashSet<>();

  private JournalOutcomes(Path file) {
    this.file = file;
  }

  /** Reads {@code file}; a missing journal is an empty one. */
  static Read read(Path file) throws IOException {
    JournalOutcomes reader = new JournalOutcomes(file);
    if (Files.exists(file)) {
      // Lenient decoding: a line torn inside a multi-byte character is one bad line, not a bad
      // file.
      CharsetDecoder utf8 =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE);
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(Files.newInputStream(file), utf8))) {
        int number = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          number++;
          reader.accept(number, line);
        }
      }
    }
    return new Read(reader.events, reader.warnings);
  }

  private void accept(int number, String line) {
    if (line.isBlank()) {
      return;
    }
    Map<String, Object> event;
    try {
      event = JSON.std.mapFrom(line);
    } catch (IOException | RuntimeException e) {
      warnings.add(file + ":" + number + ": an unreadable line was skipped (torn by a crash?)");
      return;
    }
    String task = text(event.get("task"));
    switch (text(event.get("event"))) {
      case "claim", "requeue" -> deploying.remove(task);
      case "step_start" -> {
        if (text(event.get("step")).startsWith("deploy#")) {
          deploying.add(task);
        }
      }
      case "outcome" -> outcome(number, task, event);
      default -> {}
    }
  }

  private void outcome(int number, String task, Map<String, Object> event) {
    boolean deployed = deploying.remove(task);
    Instant at;
    try {
      at = Instant.parse(text(event.get("ts")));
    } catch (DateTimeParseException e) {
      warnings.add(file + ":" + number + ": an outcome without a readable ts was skipped");
      return;
    }
    Map<?, ?> fields = map(event.get("fields"));
    Map<?, ?> result = map(fields.get("result"));
    String status = text(event.get("status"));
    String message = text(event.get("message"));
    Object attempts = result.get("attempts");
    events.add(
        new Event(
            task,
            at,
            status.isEmpty() ? text(fields.get("status")) : status,
            message.isEmpty() ? text(result.get("message")) : message,
            Boolean.TRUE.equals(map(result.get("deployment_info")).get("rollback_performed")),
            attempts instanceof Number n ? n.intValue() : 0,
            deployed));
  }

  private static String text(Object value) {
    return value instanceof String s ? s : "";
  }

  private static Map<?, ?> map(Object value) {
    return value instanceof Map<?, ?> m ? m : Map.of();
  }
}

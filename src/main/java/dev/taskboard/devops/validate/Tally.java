package dev.taskboard.devops.validate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Findings of one kind, reported once: alone as found, repeated as one finding at the first place
 * with a count. A board where no task has an agent says so in one line, not in one per task.
 */
final class Tally {
  private final Path file;
  private final Map<String, Group> groups = new LinkedHashMap<>();

  private static final class Group {
    final Path file;
    final Position first;
    final String alone;
    final IntFunction<String> repeated;
    int count;

    Group(Path file, Position first, String alone, IntFunction<String> repeated) {
      this.file = file;
      this.first = first;
      this.alone = alone;
      this.repeated = repeated;
    }
  }

  Tally(Path file) {
    this.file = file;
  }

  /**
   * Counts one occurrence of {@code kind}; the first one's {@code alone} message is kept for when
   * it stays the only one, else {@code repeated} makes the message for the count.
   */
  void add(String kind, Position at, String alone, IntFunction<String> repeated) {
    add(file, kind, at, alone, repeated);
  }

  /** Like {@link #add(String, Position, String, IntFunction)}, at a place in {@code in}. */
  void add(Path in, String kind, Position at, String alone, IntFunction<String> repeated) {
    groups.computeIfAbsent(kind, k -> new Group(in, at, alone, repeated)).count++;
  }

  List<Finding> findings() {
    List<Finding> findings = new ArrayList<>();
    for (Group g : groups.values()) {
      String message = g.count == 1 ? g.alone : g.repeated.apply(g.count);
      findings.add(Finding.at(g.file, g.first, message));
    }
    return findings;
  }
}

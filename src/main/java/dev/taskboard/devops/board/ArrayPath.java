package dev.taskboard.devops.board;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a board keeps its task array: a JsonPath of member names and array indexes ({@code $},
 * {@code $.tasks}, {@code $['master']['tasks']}, {@code $.phases[1].tasks}), possibly with {@code
 * [*]} for every element ({@code $.phases[*].tasks}: one task array per phase) — or automatic: a
 * top-level array, {@code $.tasks}, or {@code $.master.tasks}.
 */
public final class ArrayPath {
  private static final Pattern SEGMENT =
      Pattern.compile(
          "\\.([A-Za-z_$][A-Za-z0-9_$-]*)|\\[\\s*'([^']*)'\\s*]|\\[\\s*\"([^\"]*)\"\\s*]"
              + "|\\[\\s*(\\d{1,9})\\s*]|\\[\\s*(\\*)\\s*]");

  /** One step of a path: a member name, an array index, or any array element. */
  sealed interface Segment {
    record Name(String name) implements Segment {}

    record Index(int index) implements Segment {}

    record AnyIndex() implements Segment {}
  }

  private static final ArrayPath AUTO =
      new ArrayPath(
          List.of(
              List.of(),
              List.of(new Segment.Name("tasks")),
              List.of(new Segment.Name("master"), new Segment.Name("tasks"))),
          true);

  private static final ArrayPath ONE_TASK = new ArrayPath(List.of(List.of()), false, true);

  private final List<List<Segment>> alternatives;
  private final boolean automatic;
  private final boolean oneTask;

  private ArrayPath(List<List<Segment>> alternatives, boolean automatic) {
    this(alternatives, automatic, false);
  }

  private ArrayPath(List<List<Segment>> alternatives, boolean automatic, boolean oneTask) {
    this.alternatives = alternatives.stream().map(List::copyOf).toList();
    this.automatic = automatic;
    this.oneTask = oneTask;
  }

  /** Finds the array the way the boards seen in the wild keep it. */
  public static ArrayPath auto() {
    return AUTO;
  }

  /**
   * Reads a path of member names and indexes, {@code [*]} allowed.
   *
   * @throws IllegalArgumentException when it has filters, deep scans or slices
   */
  public static ArrayPath parse(String path) {
    String p = path.strip();
    if (!p.startsWith("$")) {
      throw new IllegalArgumentException(
          "task array path must start with $ (e.g. $.tasks or $.master.tasks): " + path);
    }
    List<Segment> segments = new ArrayList<>();
    Matcher m = SEGMENT.matcher(p);
    int at = 1;
    while (at < p.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "task array path must name members and indexes only, like $.tasks,"
                + " $['master']['tasks'] or $.phases[*].tasks: "
                + path);
      }
      segments.add(segment(m));
      at = m.end();
    }
    return new ArrayPath(List.of(segments), false);
  }

  private static Segment segment(Matcher m) {
    if (m.group(4) != null) {
      return new Segment.Index(Integer.parseInt(m.group(4)));
    }
    if (m.group(5) != null) {
      return new Segment.AnyIndex();
    }
    return new Segment.Name(
        m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
  }

  public boolean automatic() {
    return automatic;
  }

  /** Whether the path names at most one task array (no {@code [*]}). */
  public boolean definite() {
    return automatic || alternatives.get(0).stream().noneMatch(s -> s instanceof Segment.AnyIndex);
  }

  /** The same path with every array index ({@code [1]}) read as any element ({@code [*]}). */
  public ArrayPath everyIndex() {
    if (automatic || oneTask) {
      return this;
    }
    List<Segment> widened =
        alternatives.get(0).stream()
            .map(s -> s instanceof Segment.Index ? (Segment) new Segment.AnyIndex() : s)
            .toList();
    return new ArrayPath(List.of(widened), false);
  }

  /** A file holding one task, the root object: a per-task board's task file. */
  public static ArrayPath oneTask() {
    return ONE_TASK;
  }

  /** Whether the file's root object is the one task. */
  public boolean isOneTask() {
    return oneTask;
  }

  /** The paths it may mean: one, or the automatic ones. */
  List<List<Segment>> alternatives() {
    return alternatives;
  }

  /** Whether {@code segment} at {@code depth} continues {@code path}. */
  static boolean matches(List<Segment> path, int depth, String name, int index) {
    if (depth >= path.size()) {
      return false;
    }
    Segment s = path.get(depth);
    if (s instanceof Segment.Name n) {
      return name != null && n.name().equals(name);
    }
    if (s instanceof Segment.Index i) {
      return name == null && i.index() == index;
    }
    return name == null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArrayPath other
        && automatic == other.automatic
        && oneTask == other.oneTask
        && alternatives.equals(other.alternatives);
  }

  @Override
  public int hashCode() {
    return Objects.hash(alternatives, automatic, oneTask);
  }

  @Override
  public String toString() {
    if (automatic) {
      return "auto ($, $.tasks or $.master.tasks)";
    }
    if (oneTask) {
      return "$ (one task)";
    }
    StringBuilder sb = new StringBuilder("$");
    for (Segment s : alternatives.get(0)) {
      if (s instanceof Segment.Name n) {
        sb.append("['").append(n.name()).append("']");
      } else if (s instanceof Segment.Index i) {
        sb.append('[').append(i.index()).append(']');
      } else {
        sb.append("[*]");
      }
    }
    return sb.toString();
  }
}

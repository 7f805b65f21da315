package dev.taskboard.devops.board;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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

  /** One step of a path: a member name, or an array index ({@link #ANY}: any element). */
  record Segment(String name, int index) {
    static final int ANY = -1;

    static Segment named(String name) {
      return new Segment(name, 0);
    }

    /** Whether the member {@code member} (null in an array) at position {@code at} is this step. */
    boolean matches(String member, int at) {
      return name != null ? name.equals(member) : member == null && (index == ANY || index == at);
    }

    @Override
    public String toString() {
      return name != null ? "['" + name + "']" : index == ANY ? "[*]" : "[" + index + "]";
    }
  }

  private static final ArrayPath AUTO =
      new ArrayPath(
          List.of(
              List.of(),
              List.of(Segment.named("tasks")),
              List.of(Segment.named("master"), Segment.named("tasks"))),
          true,
          false);

  private static final ArrayPath ONE_TASK = new ArrayPath(List.of(List.of()), false, true);

  private final List<List<Segment>> alternatives;
  private final boolean automatic;
  private final boolean oneTask;

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
    for (int at = 1; at < p.length(); at = m.end()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "task array path must name members and indexes only, like $.tasks,"
                + " $['master']['tasks'] or $.phases[*].tasks: "
                + path);
      }
      segments.add(
          m.group(4) != null
              ? new Segment(null, Integer.parseInt(m.group(4)))
              : m.group(5) != null
                  ? new Segment(null, Segment.ANY)
                  : Segment.named(
                      m.group(1) != null
                          ? m.group(1)
                          : m.group(2) != null ? m.group(2) : m.group(3)));
    }
    return new ArrayPath(List.of(segments), false, false);
  }

  public boolean automatic() {
    return automatic;
  }

  /** Whether the path names at most one task array (no {@code [*]}). */
  public boolean definite() {
    return !alternatives.get(0).contains(new Segment(null, Segment.ANY)) || automatic;
  }

  /** The same path with every array index ({@code [1]}) read as any element ({@code [*]}). */
  public ArrayPath everyIndex() {
    if (automatic || oneTask) {
      return this;
    }
    List<Segment> widened =
        alternatives.get(0).stream()
            .map(s -> s.name() == null ? new Segment(null, Segment.ANY) : s)
            .toList();
    return new ArrayPath(List.of(widened), false, false);
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
    return automatic
        ? "auto ($, $.tasks or $.master.tasks)"
        : oneTask
            ? "$ (one task)"
            : "$"
                + alternatives.get(0).stream().map(Segment::toString).collect(Collectors.joining());
  }
}

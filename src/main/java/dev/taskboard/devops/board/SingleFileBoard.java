package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.files.Channels;
import dev.taskboard.devops.files.FileStamp;
import dev.taskboard.devops.files.LockedUpdate;
import dev.taskboard.devops.files.LockedUpdate.Plan;
import dev.taskboard.devops.files.TaskMasterLock;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task board kept in one file: selective reads, and surgical changes to the entries the caller
 * names, each through the locked-update protocol ({@link LockedUpdate}). Bytes outside those
 * entries are never rewritten. Also the store of each file of a {@link PerTaskBoard} (one task, the
 * root object) and of its index.
 */
public final class SingleFileBoard implements Board {
  /** How long a write waits for Task Master's lock: its stale age, after which it is taken. */
  private static final java.time.Duration TASK_MASTER_WAIT = java.time.Duration.ofSeconds(11);

  /** An indented line's indent (a multi-line pattern), and leading spaces and tabs. */
  private static final Pattern INDENTED = Pattern.compile("(?dm)^([ \t]+)[^ \t\r\n]");

  private static final Pattern LEADING = Pattern.compile("[ \t]*");

  private final Path file;
  private final ArrayPath arrayPath;
  private final Options options;
  private final boolean lockHeld;
  private volatile FileStamp lastWritten;
  private int collisions;

  public SingleFileBoard(Path file, ArrayPath arrayPath, Options options) {
    this(file, arrayPath, options, false);
  }

  /**
   * {@code lockHeld}: the caller already holds the lock that guards this file (a per-task board's
   * directory lock), so writes do not take the file's own sidecar lock.
   */
  SingleFileBoard(Path file, ArrayPath arrayPath, Options options, boolean lockHeld) {
    this.file = Objects.requireNonNull(file, "file == null");
    this.arrayPath = Objects.requireNonNull(arrayPath, "arrayPath == null");
    this.options = Objects.requireNonNull(options, "options == null");
    this.lockHeld = lockHeld;
  }

  public SingleFileBoard(Path file, ArrayPath arrayPath) {
    this(file, arrayPath, Options.DEFAULT);
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public Selection read(
      TaskFilter filter, Set<String> alsoIds, Function<Task, Collection<String>> references)
      throws IOException {
    try (Snapshot s = scan(file, filter, alsoIds)) {
      Map<Integer, Task> chosen = new TreeMap<>();
      List<RefusedTaskException> refused = new ArrayList<>();
      for (Slot slot : s.matches()) {
        load(s, slot, chosen, refused);
      }
      Set<String> named = new LinkedHashSet<>();
      chosen.values().forEach(t -> named.addAll(references.apply(t)));
      for (String id : named) {
        Optional<Slot> slot = s.slot(id);
        if (slot.isPresent() && !chosen.containsKey(slot.get().index())) {
          load(s, slot.get(), chosen, refused);
        }
      }
      Map<String, String> statuses = new HashMap<>();
      s.slots().stream()
          .filter(slot -> slot.status() != null)
          .forEach(slot -> statuses.put(slot.id(), slot.status()));
      FileStamp read = s.stamp().withChecksum(FileStamp.NO_CHECKSUM);
      return new Selection(new ArrayList<>(chosen.values()), statuses, refused, List.of(), read);
    }
  }

  private static void load(
      Snapshot s, Slot slot, Map<Integer, Task> chosen, List<RefusedTaskException> refused)
      throws IOException {
    try {
      chosen.put(slot.index(), s.taskAt(slot));
    } catch (RefusedTaskException tooLarge) {
      refused.add(tooLarge);
    }
  }

  @Override
  public FileStamp stamp() throws IOException {
    return FileStamp.attributesOf(file);
  }

  @Override
  public Optional<FileStamp> lastWritten() {
    return Optional.ofNullable(lastWritten);
  }

  @Override
  public Task get(String id) throws IOException {
    try (Snapshot s = scan(file, null, Set.of(id))) {
      return s.taskAt(s.slot(id).orElseThrow(() -> new TaskNotFoundException(file, id)));
    }
  }

  @Override
  public Task update(String id, Function<Task, Patch> compute) throws IOException {
    return write(
        null,
        Set.of(id),
        s -> {
          Slot slot = s.slot(id).orElseThrow(() -> new TaskNotFoundException(file, id));
          return patchEntry(s, slot, compute.apply(s.taskAt(slot)));
        });
  }

  @Override
  public Task add(ObjectNode task) throws IOException {
    if (!arrayPath.definite()) {
      throw notOneArray("every element's array");
    }
    return write(null, Set.of(), s -> appendTask(s, task));
  }

  @Override
  public Task addIfAbsent(ObjectNode task, String keyPath) throws IOException {
    FieldPath key = FieldPath.parse(keyPath);
    JsonNode wanted = key.valueOfNew(task);
    return write(
        TaskFilter.parse("[?(@." + keyPath + ")]"),
        Set.of(),
        s -> {
          for (Slot slot : s.matches()) {
            Task existing = s.taskAt(slot);
            if (key.in(existing.json()).equals(wanted)) {
              return Plan.keep(existing);
            }
          }
          return appendTask(s, task);
        });
  }

  @Override
  public Watched watched() throws IOException {
    Path real = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
    String name = real.getFileName().toString();
    return new Watched(real.getParent(), name::equals);
  }

  /** How many times a writer that ignoring the lock replaced the board under this object. */
  int collisions() {
    return collisions;
  }

  private Snapshot scan(Path path, TaskFilter filter, Set<String> ids) throws IOException {
    return BoardScanner.scan(path, arrayPath, filter, ids, options.hooks());
  }

  private Task write(TaskFilter filter, Set<String> ids, LockedUpdate.Change<Snapshot, Task> change)
      throws IOException {
    LockedUpdate.Options how =
        new LockedUpdate.Options(
            options.attempts(), options.hooks()::beforeCheck, otherToolsLock());
    LockedUpdate.Reader<Snapshot> reader =
        real -> {
          try {
            return scan(real, filter, ids);
          } catch (UnreadableBoardException e) {
            throw new LockedUpdate.Unreadable(e);
          }
        };
    LockedUpdate.Result<Task> result =
        lockHeld
            ? LockedUpdate.runHeld(file, how, reader, change)
            : LockedUpdate.run(file, how, reader, change);
    collisions += result.collisions();
    if (result instanceof LockedUpdate.Result.Written<Task> written) {
      lastWritten = written.written();
    }
    return result.value();
  }

  /**
   * Task Master's own lock, on its boards ({@code .taskmaster/tasks/tasks.json}): both tools then
   * exclude each other. Held only from a read to its rename, well under the 1.5–2.5 s Task Master's
   * commands wait before they give up.
   */
  private LockedUpdate.Guards otherToolsLock() {
    return TaskMasterLock.isTaskMasterBoard(file)
        ? real -> TaskMasterLock.acquire(file, TASK_MASTER_WAIT, null)
        : LockedUpdate.Guards.NONE;
  }

  private BoardException notOneArray(String names) {
    return new BoardException(
        file,
        "the task array path %s names %s; give --tasks-path one definite array to add to, like"
                .formatted(arrayPath, names)
            + " $.phases[0].tasks");
  }

  /** The snapshot's bytes with {@code splices} (ascending, not overlapping) applied. */
  private static LockedUpdate.Content spliced(Snapshot s, List<Splice> splices) {
    return out -> {
      long position = 0;
      for (Splice splice : splices) {
        Channels.copy(s.channel(), position, splice.start() - position, out);
        Channels.writeFully(out, splice.replacement());
        position = splice.end();
      }
      // The size of the file read, not of its attributes: should a rename have slipped in between
      // the two, the final check notices the difference anyway.
      Channels.copy(s.channel(), position, s.channel().size() - position, out);
    };
  }

  private Plan<Task> patchEntry(Snapshot s, Slot slot, Patch patch) throws IOException {
    byte[] before = s.entryBytes(slot);
    JsonNode current = Json.MAPPER.readTree(before);
    for (Patch.Field expected : patch.expectations()) {
      JsonNode actual = expected.path().in(current);
      if (!sameValue(expected.value(), actual)) {
        throw new ExpectationFailedException(
            file,
            slot.id(),
            expected.path().toString(),
            Json.compact(expected.value()),
            actual.isMissingNode() ? "absent" : Json.compact(actual));
      }
    }
    EntryEditor editor = new EntryEditor(before, lineIndentBefore(s, slot.start()));
    for (Patch.Field set : patch.sets()) {
      boolean mergesIntoObject = set.merge() && set.path().in(current).isObject();
      if (!mergesIntoObject) {
        editor.set(set.path(), set.value());
      }
    }
    byte[] after = editor.bytes();
    JsonNode written = Json.MAPPER.readTree(after);
    checkId(s, slot, written);
    Task task = new Task(slot.id(), slot.index(), slot.line(), slot.column(), written);
    if (Arrays.equals(before, after)) {
      return Plan.keep(task);
    }
    return Plan.replace(spliced(s, List.of(new Splice(slot.start(), slot.end(), after))), task);
  }

  private void checkId(Snapshot s, Slot slot, JsonNode written) throws BoardException {
    JsonNode newId = written.has("id") ? written.get("id") : written.get("task_id");
    if (newId == null || !(newId.isTextual() || newId.isNumber())) {
      throw new BoardException(
          file,
          "the patch would leave task " + slot.id() + " without an id; keep its id or task_id");
    }
    if (!newId.asText().equals(slot.id()) && s.slot(newId.asText()).isPresent()) {
      throw new BoardException(
          file,
          "the patch would give task %s the id %s, which another task has; choose an unused id"
              .formatted(slot.id(), newId.asText()));
    }
  }

  private Plan<Task> appendTask(Snapshot s, ObjectNode given) throws IOException {
    if (s.arrays().size() != 1) {
      throw notOneArray(s.arrays().size() + " arrays");
    }
    List<Slot> everySlot = everyArraysSlots(s);
    Set<String> taken = new HashSet<>();
    everySlot.forEach(slot -> taken.add(slot.id()));
    ObjectNode task = IdScheme.withId(given, everySlot, taken, "id", file);
    String id = IdScheme.idOf(task);
    Appended appended = s.slots().isEmpty() ? intoEmptyArray(s, task) : afterLastTask(s, task);
    return Plan.replace(
        spliced(s, List.of(appended.splice())),
        new Task(id, s.slots().size(), appended.line(), appended.column(), asReadBack(task)));
  }

  /**
   * The tasks of every array a path with indexes could name ({@code $.phases[*].tasks} for {@code
   * $.phases[1].tasks}), so that a new id is unique on the whole board; the snapshot's own tasks
   * for any other path. A second pass over the same file: should it change in between, the check
   * before the rename notices.
   */
  private List<Slot> everyArraysSlots(Snapshot s) throws IOException {
    ArrayPath every = arrayPath.everyIndex();
    if (every.equals(arrayPath)) {
      return s.slots();
    }
    try (Snapshot all = BoardScanner.scan(s.file(), every, null, Set.of(), Board.Hooks.NONE)) {
      return all.slots();
    }
  }

  /** The task as a later read of the board will see it (e.g. small numbers as ints). */
  private static JsonNode asReadBack(JsonNode task) throws IOException {
    return Json.parse(Json.compact(task));
  }

  private record Appended(Splice splice, long line, long column) {}

  private Appended afterLastTask(Snapshot s, ObjectNode task) throws IOException {
    Slot first = s.slots().get(0);
    Slot last = s.slots().get(s.slots().size() - 1);
    long arrayOpen = s.arrays().get(0)[0];
    String indent = lineIndentBefore(s, last.start());
    byte[] lastEntry = s.entryBytes(last);
    Style style = Style.of(lastEntry, indent);
    String gap = new String(s.bytes(arrayOpen + 1, first.start()), StandardCharsets.UTF_8);
    int newline = gap.lastIndexOf('\n');
    String separator;
    if (newline >= 0) {
      String lineEnding = newline > 0 && gap.charAt(newline - 1) == '\r' ? "\r\n" : "\n";
      separator = "," + lineEnding + indent;
    } else if (s.slots().size() > 1) {
      separator =
          new String(s.bytes(first.end(), s.slots().get(1).start()), StandardCharsets.UTF_8);
    } else {
      separator = ",";
    }
    byte[] text = (separator + style.render(task, indent)).getBytes(StandardCharsets.UTF_8);
    long line =
        last.line() + newlines(lastEntry) + newlines(separator.getBytes(StandardCharsets.UTF_8));
    long column = newline >= 0 ? indent.length() + 1 : 0;
    return new Appended(new Splice(last.end(), last.end(), text), line, column);
  }

  private Appended intoEmptyArray(Snapshot s, ObjectNode task) throws IOException {
    long arrayOpen = s.arrays().get(0)[0];
    long arrayClose = s.arrays().get(0)[1];
    byte[] head = s.bytes(0, Math.min(s.stamp().size(), 64 * 1024));
    Style.Bytes b = new Style.Bytes(head);
    String own = lineIndentBefore(s, arrayOpen);
    Matcher firstIndent = INDENTED.matcher(new String(head, StandardCharsets.UTF_8));
    String unit = firstIndent.find() ? firstIndent.group(1) : "  ";
    boolean multiLine = b.indexOf((byte) '\n', 0) >= 0;
    Style style =
        new Style(multiLine, b.firstLineEnding(), unit, multiLine ? ": " : ":", ",", Style.PLAIN);
    String inner = own + unit;
    String lineEnding = style.lineEnding();
    String text =
        multiLine
            ? "[" + lineEnding + inner + style.render(task, inner) + lineEnding + own + "]"
            : "[" + style.render(task, "") + "]";
    long line =
        arrayOpen < head.length
            ? 1 + newlines(Arrays.copyOf(head, (int) arrayOpen)) + (multiLine ? 1 : 0)
            : 0;
    return new Appended(
        new Splice(arrayOpen, arrayClose + 1, text.getBytes(StandardCharsets.UTF_8)),
        line,
        inner.length() + 1);
  }

  private static long newlines(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1).chars().filter(c -> c == '\n').count();
  }

  /** Leading whitespace of the line {@code offset} is on, or "" when code precedes it there. */
  private static String lineIndentBefore(Snapshot s, long offset) throws IOException {
    long from = Math.max(0, offset - 512);
    String before = new String(s.bytes(from, offset), StandardCharsets.UTF_8);
    int newline = before.lastIndexOf('\n');
    String tail = newline >= 0 ? before.substring(newline + 1) : from == 0 ? before : "";
    Matcher indent = LEADING.matcher(tail);
    return indent.lookingAt() ? indent.group() : "";
  }

  private static boolean sameValue(JsonNode expected, JsonNode actual) {
    if (expected.isNull() && (actual.isMissingNode() || actual.isNull())) {
      return true;
    }
    if (expected.isNumber() && actual.isNumber()) {
      return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return expected.equals(actual);
  }
}

package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A task board file: selective reads, and surgical, locked, atomic changes to the entries the
 * caller names. Bytes outside those entries are never rewritten.
 */
public final class Board {
  private static final int WRITE_ATTEMPTS = 10;

  /**
   * Boards from this size on keep a {@link BoardIndex}; below it a full scan costs little. The
   * system property {@code devops.board.indexFrom} (bytes) changes it, e.g. to 0 so that the
   * torture harnesses exercise the index on small boards.
   */
  private static final long INDEX_FROM_BYTES = Long.getLong("devops.board.indexFrom", 1 << 20);

  private final Path file;
  private final ArrayPath arrayPath;
  private final Path stateDir;
  private final BoardWriter writer;
  private long indexFrom = INDEX_FROM_BYTES;

  public Board(Path file, ArrayPath arrayPath, Path stateDir, Clock clock) {
    this.file = file;
    this.arrayPath = arrayPath;
    this.stateDir = stateDir;
    this.writer = new BoardWriter(file, stateDir, WRITE_ATTEMPTS, clock);
  }

  /** A board whose task array is found automatically and whose state dir is the default. */
  public static Board at(Path file) {
    return new Board(file, ArrayPath.auto(), defaultStateDir(file), Clock.systemUTC());
  }

  /** {@code .plan/devops} for a board in {@code .plan/}, else {@code .devops-worker} beside it. */
  public static Path defaultStateDir(Path board) {
    Path dir = board.toAbsolutePath().getParent();
    Path name = dir.getFileName();
    return name != null && name.toString().equals(".plan")
        ? dir.resolve("devops")
        : dir.resolve(".devops-worker");
  }

  /**
   * Waits up to {@code timeout} for the board housekeeping done off the caller's time (removing
   * backups beyond the last five, writing the index of a version just read); a process should call
   * it before it exits. Returns whether all of it was done.
   */
  public static boolean awaitBackgroundWork(Duration timeout) {
    return Housekeeping.await(timeout);
  }

  public Path file() {
    return file;
  }

  public Path stateDir() {
    return stateDir;
  }

  /** The tasks matching {@code filter}, in board order, in one streaming pass. */
  public List<Task> select(TaskFilter filter) throws IOException {
    try (Snapshot s = BoardScanner.scan(file, arrayPath, filter)) {
      remember(s);
      List<Task> tasks = new ArrayList<>();
      for (Slot slot : s.matches) {
        tasks.add(task(slot, s.task(slot)));
      }
      return tasks;
    }
  }

  /**
   * The tasks matching {@code filter} plus those whose ids are in {@code alsoIds}, in board order,
   * and every task's status (for dependencies), in one streaming pass.
   */
  public Selection read(TaskFilter filter, Set<String> alsoIds) throws IOException {
    try (Snapshot s = BoardScanner.scan(file, arrayPath, filter, alsoIds)) {
      remember(s);
      List<Task> tasks = new ArrayList<>();
      for (Slot slot : s.matches) {
        tasks.add(task(slot, s.task(slot)));
      }
      Map<String, String> statuses = new HashMap<>();
      for (int i = 0; i < s.slots.size(); i++) {
        if (s.slots.status(i) != null) {
          statuses.put(s.slots.id(i), s.slots.status(i));
        }
      }
      return new Selection(tasks, statuses, Stamp.of(s.state));
    }
  }

  /** What one read of the board found. */
  public record Selection(List<Task> tasks, Map<String, String> statuses, Stamp stamp) {
    public Selection {
      tasks = List.copyOf(tasks);
      statuses = Map.copyOf(statuses);
    }
  }

  /** A board version's identity, size and modification time: cheap to compare, no content read. */
  public record Stamp(Object fileKey, long size, long modifiedNanos) {
    static Stamp of(FileState s) {
      return new Stamp(s.fileKey(), s.size(), s.modifiedNanos());
    }
  }

  /** The stamp of the board on disk now (following symlinks). */
  public Stamp stamp() throws IOException {
    return Stamp.of(FileState.attributesOf(file));
  }

  /** The stamp of the version this board object last wrote, if it wrote one. */
  public Optional<Stamp> lastWritten() {
    return writer.lastWritten().map(Stamp::of);
  }

  /** The task with this id (ids compare as text). */
  public Task get(String id) throws IOException {
    try (Snapshot s = BoardScanner.scan(file, arrayPath, null)) {
      Slot slot = s.slot(id).orElseThrow(() -> new TaskNotFoundException(file, id));
      return task(slot, s.task(slot));
    }
  }

  /**
   * Applies {@code patch} to the task with this id, if its expectations hold on the version on disk
   * at write time; returns the task as written.
   *
   * @throws ExpectationFailedException when an expectation does not hold; nothing is written
   * @throws TaskNotFoundException when the board has no such task
   */
  public Task patch(String id, Patch patch) throws IOException {
    return writer.update(new IndexedScan(null), s -> patchEntry(s, id, patch));
  }

  /**
   * Appends {@code task} after the last task, in the board's layout. A task without {@code id} /
   * {@code task_id} gets the next id of the board's scheme. Returns the task as written.
   */
  public Task add(ObjectNode task) throws IOException {
    return writer.update(new IndexedScan(null), s -> appendTask(s, task));
  }

  /**
   * Appends {@code task} unless a task with the same value at {@code keyPath} (e.g. {@code
   * payload.followup_key}) is already on the board — checked under the lock, in the same write —
   * and returns the task that is there now. Makes follow-ups idempotent across retries and
   * restarts.
   */
  public Task addIfAbsent(ObjectNode task, String keyPath) throws IOException {
    FieldPath key = FieldPath.parse(keyPath);
    JsonNode wanted = key.in(task);
    if (!wanted.isValueNode()) {
      throw new IllegalArgumentException("the new task has no value at " + keyPath);
    }
    TaskFilter withKey = TaskFilter.parse("[?(@." + keyPath + ")]");
    return writer.update(
        new IndexedScan(withKey),
        s -> {
          for (Slot slot : s.matches) {
            JsonNode existing = s.task(slot);
            if (key.in(existing).equals(wanted)) {
              return new BoardWriter.Result<>(List.of(), task(slot, existing));
            }
          }
          return appendTask(s, task);
        });
  }

  int collisions() {
    return writer.collisions();
  }

  void beforeCommit(Runnable hook) {
    writer.beforeCommit(hook);
  }

  /** Index boards from {@code bytes} on (tests index small boards too). */
  void indexFrom(long bytes) {
    this.indexFrom = bytes;
  }

  /** Keeps the layout of a fully read version for the next change; best effort. */
  private void remember(Snapshot s) {
    if (s.state.size() >= indexFrom) {
      try {
        BoardIndex.of(stateDir, AtomicReplace.realPath(file), arrayPath).remember(s);
      } catch (IOException e) {
        // only a cache: the next change scans in full
      }
    }
  }

  /**
   * The reads of a change: the {@link BoardIndex} when it describes the board on disk and the
   * change needs no filter, else a full scan that refreshes the index.
   */
  private final class IndexedScan implements BoardWriter.Scan {
    private final TaskFilter filter;

    IndexedScan(TaskFilter filter) {
      this.filter = filter;
    }

    @Override
    public Snapshot read(Path real) throws IOException {
      BoardIndex index = BoardIndex.of(stateDir, real, arrayPath);
      if (filter == null) {
        Optional<Snapshot> remembered = index.snapshot(real);
        if (remembered.isPresent()) {
          return remembered.get();
        }
      }
      // Saved with the change, in committed(): a change refused leaves nothing beside the board.
      return BoardScanner.scan(real, arrayPath, filter);
    }

    @Override
    public void committed(Path real, Snapshot before, List<Splice> splices, FileState written) {
      BoardIndex index = BoardIndex.of(stateDir, real, arrayPath);
      if (written.size() >= indexFrom) {
        index.committed(before, splices, written);
      } else {
        index.drop();
      }
    }

    @Override
    public void collided(Path real) {
      BoardIndex.of(stateDir, real, arrayPath).drop();
    }
  }

  private BoardWriter.Result<Task> patchEntry(Snapshot s, String id, Patch patch)
      throws IOException {
    Slot slot = s.slot(id).orElseThrow(() -> new TaskNotFoundException(file, id));
    byte[] before = s.entryBytes(slot);
    JsonNode current = s.verified ? Json.MAPPER.readTree(before) : entryAtLayout(before, slot);
    for (Patch.Field expected : patch.expectations()) {
      JsonNode actual = expected.path().in(current);
      if (!sameValue(expected.value(), actual)) {
        throw new ExpectationFailedException(
            file,
            id,
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
    JsonNode newId = written.has("id") ? written.get("id") : written.get("task_id");
    if (newId == null || !(newId.isTextual() || newId.isNumber())) {
      throw new BoardException(
          file, "the patch would leave task " + id + " without an id; keep its id or task_id");
    }
    if (!newId.asText().equals(slot.id()) && s.slots.contains(newId.asText())) {
      throw new BoardException(
          file,
          "the patch would give task "
              + id
              + " the id "
              + newId.asText()
              + ", which another task has; choose an unused id");
    }
    if (Arrays.equals(before, after)) {
      return new BoardWriter.Result<>(List.of(), task(slot, written));
    }
    return new BoardWriter.Result<>(
        List.of(new Splice(slot.start(), slot.end(), after)), task(slot, written));
  }

  /** The entry a remembered layout points at, if it is the task with that slot's id there. */
  private JsonNode entryAtLayout(byte[] bytes, Slot slot) throws IOException {
    JsonNode entry;
    try {
      entry = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      entry = null;
    }
    if (entry == null || !slot.id().equals(entry.path(slot.idKey()).asText(null))) {
      throw new BoardWriter.StaleLayoutException(
          file, slot.id() + " is not where the index has it");
    }
    return entry;
  }

  private BoardWriter.Result<Task> appendTask(Snapshot s, ObjectNode given) throws IOException {
    ObjectNode task = given.deepCopy();
    IdScheme ids = IdScheme.of(s.slots);
    String idKey = task.has("id") ? "id" : task.has("task_id") ? "task_id" : null;
    String id;
    if (idKey == null) {
      JsonNode next = ids.next();
      ObjectNode withId = Json.MAPPER.createObjectNode();
      withId.set(ids.key(), next);
      withId.setAll(task);
      task = withId;
      id = next.asText();
    } else {
      id = task.get(idKey).asText();
      if (s.slot(id).isPresent()) {
        throw new BoardException(
            file, "a task with id " + id + " already exists; leave the id out to get the next one");
      }
    }
    Appended appended = s.slots.isEmpty() ? intoEmptyArray(s, task) : afterLastTask(s, task);
    return new BoardWriter.Result<>(
        List.of(appended.splice()),
        new Task(id, s.slots.size(), appended.line(), appended.column(), asReadBack(task)));
  }

  /** The task as a later read of the board will see it (e.g. small numbers as ints). */
  private static JsonNode asReadBack(JsonNode task) throws IOException {
    return Json.parse(Json.compact(task));
  }

  private record Appended(Splice splice, long line, long column) {}

  private Appended afterLastTask(Snapshot s, ObjectNode task) throws IOException {
    Slot first = s.slots.get(0);
    Slot last = s.slots.get(s.slots.size() - 1);
    if (!s.verified
        && (s.bytes(last.end() - 1, last.end())[0] != '}'
            || s.bytes(s.arrayClose, s.arrayClose + 1)[0] != ']'
            || !new String(s.bytes(last.end(), s.arrayClose), StandardCharsets.UTF_8).isBlank())) {
      throw new BoardWriter.StaleLayoutException(
          file, "the task array does not end where the index has it");
    }
    String indent = lineIndentBefore(s, last.start());
    byte[] lastEntry = s.entryBytes(last);
    Style style = Style.of(lastEntry, indent);
    String gap = new String(s.bytes(s.arrayOpen + 1, first.start()), StandardCharsets.UTF_8);
    int newline = gap.lastIndexOf('\n');
    String separator;
    if (newline >= 0) {
      String lineEnding = newline > 0 && gap.charAt(newline - 1) == '\r' ? "\r\n" : "\n";
      separator = "," + lineEnding + indent;
    } else if (s.slots.size() > 1) {
      separator = new String(s.bytes(first.end(), s.slots.get(1).start()), StandardCharsets.UTF_8);
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
    byte[] head = s.bytes(0, Math.min(s.state.size(), 64 * 1024));
    Style.Bytes b = new Style.Bytes(head);
    String own = lineIndentBefore(s, s.arrayOpen);
    String unit = firstIndent(head).orElse("  ");
    boolean multiLine = b.indexOf((byte) '\n', 0) >= 0;
    Style style =
        new Style(
            multiLine, b.firstLineEnding(), unit, multiLine ? ": " : ":", ",", Style.Escapes.NONE);
    String inner = own + unit;
    String lineEnding = style.lineEnding();
    String text =
        multiLine
            ? "[" + lineEnding + inner + style.render(task, inner) + lineEnding + own + "]"
            : "[" + style.render(task, "") + "]";
    long line =
        s.arrayOpen < head.length
            ? 1 + newlines(Arrays.copyOf(head, (int) s.arrayOpen)) + (multiLine ? 1 : 0)
            : 0;
    return new Appended(
        new Splice(s.arrayOpen, s.arrayClose + 1, text.getBytes(StandardCharsets.UTF_8)),
        line,
        inner.length() + 1);
  }

  private static long newlines(byte[] bytes) {
    long n = 0;
    for (byte x : bytes) {
      if (x == '\n') {
        n++;
      }
    }
    return n;
  }

  /** The indent of the first indented line, if any. */
  private static Optional<String> firstIndent(byte[] head) {
    String text = new String(head, StandardCharsets.UTF_8);
    for (String line : text.split("\r?\n")) {
      int i = 0;
      while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
        i++;
      }
      if (i > 0 && i < line.length()) {
        return Optional.of(line.substring(0, i));
      }
    }
    return Optional.empty();
  }

  /** Leading whitespace of the line {@code offset} is on, or "" when code precedes it there. */
  private static String lineIndentBefore(Snapshot s, long offset) throws IOException {
    long from = Math.max(0, offset - 512);
    String before = new String(s.bytes(from, offset), StandardCharsets.UTF_8);
    int newline = before.lastIndexOf('\n');
    String tail = newline >= 0 ? before.substring(newline + 1) : from == 0 ? before : "";
    return tail.isBlank() ? tail.replace("\uFEFF", "") : lineIndentOf(tail);
  }

  private static String lineIndentOf(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return line.substring(0, i);
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

  private Task task(Slot slot, JsonNode json) {
    return new Task(slot.id(), slot.index(), slot.line(), slot.column(), json);
  }
}

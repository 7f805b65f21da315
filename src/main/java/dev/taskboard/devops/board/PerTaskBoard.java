package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.files.FileStamp;
import dev.taskboard.devops.files.LockedUpdate;
import dev.taskboard.devops.task.Json;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A board kept as a directory: {@code index.json}, an array of {@code {task_id, title, status,
 * agent, type, priority, updated_at}}, plus one {@code <task_id>.json} per task holding the whole
 * task (the layout of felipematos/claude-code-agents since 0.9.8).
 *
 * <p>The task's own file is the truth. A task as the board shows it is its file's content, with
 * {@code type} and {@code priority} taken from {@code payload} when absent at the top level. Reads
 * go through the index and open a task's file only when its entry might match the filter, lacks a
 * field the filter reads, or the file changed after the index did. Each file is a board of one task
 * ({@link ArrayPath#oneTask()}), so reads, surgical byte-exact patches, the unchanged-check and the
 * retry against writers ignoring the lock are those of {@link SingleFileBoard}.
 *
 * <p>Every write holds one lock for the directory — the sidecar of the index, {@code
 * index.json.devops-lock} — from reading the task's file to writing its index entry: the file
 * first, then the entry. Should the entry fail after the file was written, the write still counts
 * and a warning is logged; the next read reports the disagreement and the worker repairs it.
 *
 * <p>A task whose file is missing, broken, holds another id, or whose id cannot name a file safely,
 * is refused alone ({@link Selection#refused()}), never guessed. Files not in the index are not
 * tasks.
 */
public final class PerTaskBoard implements Board {
  private static final Logger LOG = LoggerFactory.getLogger(PerTaskBoard.class);

  /** The fields an index entry mirrors from its task, besides the id and updated_at. */
  private static final List<String> MIRRORED =
      List.of("title", "status", "agent", "type", "priority");

  /** The mirrored fields compared between an entry and its file, and given to a new entry. */
  private static final List<String> COMPARED = MIRRORED.subList(1, MIRRORED.size());

  /** The fields lifted from {@code payload} when the task has none at the top level. */
  private static final List<String> LIFTED = List.of("type", "priority");

  private static final int MAX_ID_CHARS = 128;
  private static final String UPDATED_AT = "updated_at";

  private final Path dir;
  private final Path index;
  private final Options options;
  private final SingleFileBoard indexBoard;
  private final Clock clock = Clock.systemUTC();
  private volatile FileStamp lastWritten;

  PerTaskBoard(Path dir, Options options) {
    this.dir = Objects.requireNonNull(dir, "dir == null");
    this.options = Objects.requireNonNull(options, "options == null");
    this.index = dir.resolve(BoardLayout.INDEX);
    this.indexBoard = new SingleFileBoard(index, ArrayPath.auto(), options, true);
  }

  @Override
  public Path file() {
    return dir;
  }

  /**
   * Why {@code id} cannot name a file in the directory, or null when it can: a path separator,
   * {@code .} or {@code ..}, a leading dot (hidden and temp files), a control character, the
   * index's own name, over {@value #MAX_ID_CHARS} characters, or text no file name can hold.
   */
  public static String unsafeId(String id) {
    if (id.isEmpty()) {
      return "an empty id names no file";
    }
    if (id.length() > MAX_ID_CHARS) {
      return "an id over " + MAX_ID_CHARS + " characters cannot name its file";
    }
    if (id.indexOf('/') >= 0 || id.indexOf('\\') >= 0) {
      return "an id with a path separator would name a file outside the tasks directory";
    }
    if (id.startsWith(".")) {
      return "an id starting with a dot would name a hidden file or a path outside the directory";
    }
    if (id.chars().anyMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))) {
      return "an id with a control character cannot name its file";
    }
    if (!StandardCharsets.UTF_8.newEncoder().canEncode(id)) {
      return "an id that is not valid Unicode text cannot name its file";
    }
    return (id + ".json").equals(BoardLayout.INDEX)
        ? "the id index would name the index itself"
        : null;
  }

  // ---------------------------------------------------------------- reads

  /** The index as read: its entries (as tasks of the entry's fields), and when it was written. */
  private record Index(List<Slot> slots, List<Task> entries, long modifiedNanos) {
    Task entry(Path index, String id) throws TaskNotFoundException {
      return entries.stream()
          .filter(e -> e.id().equals(id))
          .findFirst()
          .orElseThrow(() -> new TaskNotFoundException(index, id));
    }
  }

  private Index readIndex() throws IOException {
    requireDirectory();
    if (!Files.exists(index, LinkOption.NOFOLLOW_LINKS)) {
      throw new BoardException(
          index,
          "does not exist; a per-task board needs its index (an empty one is []), or run"
              + " 'devops-worker init'");
    }
    try (Snapshot s = BoardScanner.scan(index, ArrayPath.auto(), null, Set.of(), options.hooks())) {
      List<Task> entries = new ArrayList<>(s.slots().size());
      for (Slot slot : s.slots()) {
        entries.add(s.taskAt(slot));
      }
      return new Index(s.slots(), entries, s.stamp().modifiedNanos());
    }
  }

  /** The directory's lock, on its index; the directory must exist. */
  private Closeable lock() throws IOException {
    requireDirectory();
    return LockedUpdate.lock(index);
  }

  private void requireDirectory() throws BoardException {
    if (!Files.isDirectory(dir)) {
      throw new BoardException(dir, "does not exist; create it, or point --board at the board");
    }
  }

  @Override
  public Selection read(
      TaskFilter filter, Set<String> alsoIds, Function<Task, Collection<String>> references)
      throws IOException {
    FileStamp stamp = stamp();
    Index read = readIndex();
    Map<String, String> statuses = new HashMap<>();
    read.entries().stream()
        .filter(e -> e.json().path("status").isTextual())
        .forEach(e -> statuses.put(e.id(), e.text("status")));
    Map<Integer, Task> chosen = new TreeMap<>();
    List<RefusedTaskException> refused = new ArrayList<>();
    List<Disagreement> disagreements = new ArrayList<>();
    for (Task e : read.entries()) {
      boolean asked = alsoIds.contains(e.id());
      if (unsafeId(e.id()) != null
          || asked
          || mightMatch(filter, e.json())
          || changedSince(e.id(), read.modifiedNanos())) {
        Optional<Task> task = load(e, refused, disagreements);
        if (task.isPresent()) {
          if (!task.get().text("status").isEmpty()) {
            statuses.put(e.id(), task.get().text("status"));
          }
          if (asked || filter.matches(task.get().json())) {
            chosen.put(e.index(), task.get());
          }
        }
      }
    }
    Set<String> named = new LinkedHashSet<>();
    chosen.values().forEach(t -> named.addAll(references.apply(t)));
    for (Task e : read.entries()) {
      if (named.contains(e.id()) && !chosen.containsKey(e.index()) && unsafeId(e.id()) == null) {
        load(e, refused, disagreements).ifPresent(t -> chosen.put(e.index(), t));
      }
    }
    return new Selection(new ArrayList<>(chosen.values()), statuses, refused, disagreements, stamp);
  }

  /**
   * Whether the entry may match: it does, or lacks a field the filter reads, or the filter needs
   * the whole task.
   */
  private static boolean mightMatch(TaskFilter filter, JsonNode entry) {
    Optional<Set<String>> fields = filter.fields();
    return fields.isEmpty() || !fields.get().stream().allMatch(entry::has) || filter.matches(entry);
  }

  /** Whether the task's file was written at or after the index: the entry may be stale. */
  private boolean changedSince(String id, long indexModified) throws IOException {
    try {
      var t = Files.getLastModifiedTime(taskFile(id), LinkOption.NOFOLLOW_LINKS).toInstant();
      return t.getEpochSecond() * 1_000_000_000L + t.getNano() >= indexModified;
    } catch (NoSuchFileException e) {
      return true; // refused when opened: the reader hears why
    }
  }

  /** The task of {@code entry} from its file, or empty when it is refused (the reason added). */
  private Optional<Task> load(
      Task entry, List<RefusedTaskException> refused, List<Disagreement> disagreements)
      throws IOException {
    try {
      Task task = readTask(entry.id(), entry.index());
      disagreements.addAll(disagreements(entry.id(), entry.json(), task.json()));
      return Optional.of(task);
    } catch (RefusedTaskException r) {
      refused.add(r);
      return Optional.empty();
    }
  }

  /** The file of the task with this id (which {@link #unsafeId} must have accepted). */
  private Path taskFile(String id) {
    return dir.resolve(id + ".json");
  }

  /**
   * The task as the board shows it, from its file.
   *
   * @throws RefusedTaskException when {@link #checkedFile} refuses, or the file is broken or holds
   *     another task
   */
  private Task readTask(String id, int position) throws IOException {
    Path file = checkedFile(id);
    try (Snapshot t =
        BoardScanner.scan(file, ArrayPath.oneTask(), null, Set.of(), options.hooks())) {
      Task raw = t.taskAt(t.slots().get(0));
      if (!raw.id().equals(id)) {
        String why = "holds task %s, not %s as %s says; give the file the name of its task_id";
        throw new RefusedTaskException(file, id, why.formatted(raw.id(), id, BoardLayout.INDEX));
      }
      return new Task(id, position, raw.line(), raw.column(), lift(raw.json()));
    } catch (RefusedTaskException r) {
      throw r;
    } catch (BoardException b) {
      throw new RefusedTaskException(id, b);
    }
  }

  /** The task's file, if its id names one safely and it is a regular file; else refused. */
  private Path checkedFile(String id) throws RefusedTaskException {
    String unsafe = unsafeId(id);
    if (unsafe != null) {
      String quoted = Json.compact(Json.MAPPER.getNodeFactory().textNode(id));
      throw new RefusedTaskException(
          index, id, "task " + quoted + ": " + unsafe + "; give the task another id");
    }
    Path file = taskFile(id);
    if (Files.isSymbolicLink(file) || !Files.isRegularFile(file)) {
      throw new RefusedTaskException(
          file,
          id,
          Files.isSymbolicLink(file)
              ? "is a symbolic link; a task's file must be a regular file, replace the link"
              : !Files.exists(file)
                  ? "does not exist, but %s lists task %s; restore the file or remove the entry"
                      .formatted(BoardLayout.INDEX, id)
                  : "is not a regular file; a task's file holds one JSON object");
    }
    return file;
  }

  /** The task as the board shows it: its file, with {@code type}/{@code priority} from payload. */
  static JsonNode lift(JsonNode file) {
    JsonNode payload = file.path("payload");
    ObjectNode shown = null;
    for (String field : LIFTED) {
      if (file.isObject() && !file.has(field) && payload.isObject() && payload.has(field)) {
        shown = shown == null ? file.deepCopy() : shown;
        shown.set(field, payload.get(field));
      }
    }
    return shown == null ? file : shown;
  }

  /** Where the entry says another value than its task's file. */
  private static List<Disagreement> disagreements(String id, JsonNode entry, JsonNode shown) {
    List<Disagreement> out = new ArrayList<>();
    for (String field : COMPARED) {
      JsonNode said = entry.path(field);
      JsonNode truth = shown.path(field);
      boolean both = !said.isMissingNode() && !truth.isMissingNode();
      if (both && !said.isNull() && !truth.isNull() && !said.equals(truth)) {
        out.add(new Disagreement(id, field, Json.compact(said), Json.compact(truth)));
      }
    }
    return out;
  }

  @Override
  public Task get(String id) throws IOException {
    return readTask(id, readIndex().entry(index, id).index());
  }

  /**
   * The name and attributes of each {@code *.json} file in the directory, as one stamp: any file
   * written, replaced, added or removed gives another.
   */
  @Override
  public FileStamp stamp() throws IOException {
    Map<String, FileStamp> files = new TreeMap<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : found) {
        FileStamp.ifExists(f).ifPresent(a -> files.put(f.getFileName().toString(), a));
      }
    } catch (NoSuchFileException gone) {
      // no directory: the empty stamp; reading the board says what is missing
    }
    long size = files.values().stream().mapToLong(FileStamp::size).sum();
    long newest = files.values().stream().mapToLong(FileStamp::modifiedNanos).max().orElse(0);
    return new FileStamp(files, size, newest, FileStamp.NO_CHECKSUM);
  }

  @Override
  public Optional<FileStamp> lastWritten() {
    return Optional.ofNullable(lastWritten);
  }

  @Override
  public Watched watched() throws IOException {
    Path real = Files.exists(dir) ? dir.toRealPath() : dir.toAbsolutePath();
    return new Watched(real, name -> name.endsWith(".json") && !name.startsWith("."));
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Task update(String id, Function<Task, Patch> compute) throws IOException {
    try (Closeable held = lock()) {
      int position = readIndex().entry(index, id).index();
      SingleFileBoard one =
          new SingleFileBoard(checkedFile(id), ArrayPath.oneTask(), options, true);
      Task written;
      try {
        written =
            one.update(
                id,
                raw -> {
                  Patch patch =
                      compute.apply(
                          new Task(id, position, raw.line(), raw.column(), lift(raw.json())));
                  JsonNode stamped = raw.json().get(UPDATED_AT);
                  return patch.sets().isEmpty() || stamped == null
                      ? patch
                      : patch.set(UPDATED_AT, now(stamped));
                });
      } catch (TaskNotFoundException another) {
        readTask(id, position); // refuses it, naming the task the file holds
        throw another;
      }
      Task shown = new Task(id, position, written.line(), written.column(), lift(written.json()));
      try {
        writeEntry(id, shown.json());
      } catch (IOException | RuntimeException e) {
        // The file is the truth and the write counts; the next read reports the disagreement.
        LOG.warn(
            "{}: task {} was written to its file, but its index entry could not be: {}; the next"
                + " read repairs it",
            index,
            id,
            e.getMessage());
      }
      lastWritten = stamp();
      return shown;
    }
  }

  /**
   * Sets the entry's mirrored fields to the task's values where they differ (fields the entry has,
   * and always a scalar status), and its updated_at when it has one; returns whether it wrote.
   */
  private boolean writeEntry(String id, JsonNode shown) throws IOException {
    boolean[] changed = new boolean[1];
    indexBoard.update(
        id,
        entry -> {
          Patch patch = Patch.empty();
          for (String field : MIRRORED) {
            JsonNode truth = shown.get(field);
            JsonNode said = entry.json().get(field);
            boolean scalar =
                truth != null && (truth.isTextual() || truth.isNumber() || truth.isNull());
            boolean mirrored = said != null || field.equals("status") && scalar;
            if (truth != null && mirrored && !truth.equals(said)) {
              patch = patch.set(field, truth);
            }
          }
          JsonNode stamp = entry.json().get(UPDATED_AT);
          changed[0] = !patch.sets().isEmpty();
          if (!changed[0] || stamp == null) {
            return patch;
          }
          JsonNode fileStamp = shown.path(UPDATED_AT);
          return patch.set(UPDATED_AT, fileStamp.isTextual() ? fileStamp : now(stamp));
        });
    return changed[0];
  }

  /** Now, in the style of {@code like}: with milliseconds unless it has none. */
  private JsonNode now(JsonNode like) {
    boolean seconds =
        like != null && like.asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    String pattern = seconds ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";
    return Json.MAPPER
        .getNodeFactory()
        .textNode(
            DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC).format(clock.instant()));
  }

  @Override
  public int repairIndex(Set<String> ids) throws IOException {
    int repaired = 0;
    try (Closeable held = lock()) {
      for (Task e : readIndex().entries()) {
        // A refused task has nothing to repair from; the read reports it.
        Optional<Task> task =
            ids.contains(e.id()) ? load(e, new ArrayList<>(), new ArrayList<>()) : Optional.empty();
        if (task.isPresent() && writeEntry(e.id(), task.get().json())) {
          repaired++;
        }
      }
      if (repaired > 0) {
        lastWritten = stamp();
      }
    }
    return repaired;
  }

  @Override
  public Task add(ObjectNode task) throws IOException {
    try (Closeable held = lock()) {
      return addHeld(task, readIndex());
    }
  }

  @Override
  public Task addIfAbsent(ObjectNode task, String keyPath) throws IOException {
    FieldPath key = FieldPath.parse(keyPath);
    JsonNode wanted = key.valueOfNew(task);
    try (Closeable held = lock()) {
      Index read = readIndex();
      for (Task e : read.entries()) { // every task's file: the key is in the task, not the index
        Optional<Task> existing = load(e, new ArrayList<>(), new ArrayList<>());
        if (existing.isPresent() && key.in(existing.get().json()).equals(wanted)) {
          return existing.get();
        }
      }
      return addHeld(task, read);
    }
  }

  /** Adds the task's file, then its index entry; the directory's lock is held. */
  private Task addHeld(ObjectNode given, Index read) throws IOException {
    Set<String> taken = fileIds();
    read.entries().forEach(e -> taken.add(e.id()));
    ObjectNode task = IdScheme.withId(given, read.slots(), taken, "task_id", index);
    String id = IdScheme.idOf(task);
    String unsafe = unsafeId(id);
    if (unsafe != null) {
      throw new BoardException(index, "task " + id + ": " + unsafe + "; give the task another id");
    }
    Path file = taskFile(id);
    byte[] bytes = render(task, newestTaskFile(read.entries()));
    if (!LockedUpdate.createHeld(file, bytes)) {
      throw new BoardException(file, "exists already; leave the id out to get the next one");
    }
    JsonNode shown = lift(Json.parse(new String(bytes, StandardCharsets.UTF_8)));
    ObjectNode entry = Json.MAPPER.createObjectNode();
    entry.put("task_id", id);
    JsonNode title =
        shown.path("title").isTextual() ? shown.path("title") : shown.at("/payload/title");
    entry.put("title", title.isTextual() ? title.asText() : "");
    COMPARED.forEach(f -> entry.set(f, shown.has(f) ? shown.get(f) : Json.MAPPER.nullNode()));
    List<Task> entries = read.entries();
    entry.set(
        UPDATED_AT,
        now(entries.isEmpty() ? null : entries.get(entries.size() - 1).json().get(UPDATED_AT)));
    try {
      indexBoard.add(entry);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file); // not in the index, it would be no task: take it back
      throw e;
    }
    lastWritten = stamp();
    return new Task(id, entries.size(), 1, 1, shown);
  }

  /** The ids the directory's task files name ({@code <id>.json}), index or not. */
  private Set<String> fileIds() throws IOException {
    Set<String> ids = new HashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      files.forEach(f -> ids.add(f.getFileName().toString().replaceFirst("\\.json$", "")));
    }
    return ids;
  }

  /** The newest listed task's file, whose style a new file follows; null when none is readable. */
  private byte[] newestTaskFile(List<Task> entries) throws IOException {
    for (int i = entries.size() - 1; i >= 0; i--) {
      String id = entries.get(i).id();
      if (unsafeId(id) == null
          && Files.isRegularFile(taskFile(id), LinkOption.NOFOLLOW_LINKS)
          && Files.size(taskFile(id)) <= Snapshot.MAX_ENTRY_BYTES) {
        return Files.readAllBytes(taskFile(id));
      }
    }
    return null;
  }

  /** The task in the style of {@code like} (indent, separators, line ends, final newline). */
  private static byte[] render(ObjectNode task, byte[] like) {
    if (like == null) {
      return (Style.DEFAULT.render(task, "") + "\n").getBytes(StandardCharsets.UTF_8);
    }
    Style.Bytes b = new Style.Bytes(like);
    int open = b.indexOf((byte) '{', 0);
    Style style =
        open < 0 ? Style.DEFAULT : Style.of(Arrays.copyOfRange(like, open, like.length), "");
    String end = b.text(b.skipBackWhitespace(like.length), like.length);
    return (style.render(task, "") + end).getBytes(StandardCharsets.UTF_8);
  }
}

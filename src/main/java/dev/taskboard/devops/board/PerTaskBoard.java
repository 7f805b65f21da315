package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.files.FileStamp;
import dev.taskboard.devops.files.LockedUpdate;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
  static final List<String> MIRRORED = List.of("title", "status", "agent", "type", "priority");

  /** The mirrored fields compared between an entry and its file. */
  private static final List<String> COMPARED = List.of("status", "agent", "type", "priority");

  /** The fields lifted from {@code payload} when the task has none at the top level. */
  private static final List<String> LIFTED = List.of("type", "priority");

  private static final int MAX_ID_CHARS = 128;
  private static final String UPDATED_AT = "updated_at";

  private final Path dir;
  private final Path index;
  private final Options options;
  private final SingleFileBoard indexBoard;
  private final Clock clock;
  private volatile FileStamp lastWritten;

  PerTaskBoard(Path dir, Options options) {
    this(dir, options, Clock.systemUTC());
  }

  PerTaskBoard(Path dir, Options options, Clock clock) {
    this.dir = Objects.requireNonNull(dir, "dir == null");
    this.options = Objects.requireNonNull(options, "options == null");
    this.clock = clock;
    this.index = dir.resolve(BoardLayout.INDEX);
    this.indexBoard = new SingleFileBoard(index, ArrayPath.auto(), options, true);
  }

  @Override
  public Path file() {
    return dir;
  }

  /** The index, {@code index.json} in the directory. */
  public Path index() {
    return index;
  }

  /** The file of the task with this id (which {@link #unsafeId} must have accepted). */
  Path taskFile(String id) {
    return dir.resolve(id + ".json");
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
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        return "an id with a control character cannot name its file";
      }
    }
    if (!StandardCharsets.UTF_8.newEncoder().canEncode(id)) {
      return "an id that is not valid Unicode text cannot name its file";
    }
    if ((id + ".json").equals(BoardLayout.INDEX)) {
      return "the id index would name the index itself";
    }
    return null;
  }

  private RefusedTaskException unsafe(String id, String why) {
    return new RefusedTaskException(
        index,
        id,
        "task "
            + Json.compact(Json.MAPPER.getNodeFactory().textNode(id))
            + ": "
            + why
            + "; give the task another id");
  }

  // ---------------------------------------------------------------- reads

  /** One index entry: where it is and what it says. */
  private record Entry(String id, int position, JsonNode json) {}

  /** The index's entries, in order; the snapshot's stamp is the index's. */
  private List<Entry> entries(Snapshot s) throws IOException {
    List<Entry> entries = new ArrayList<>(s.slots.size());
    for (Slot slot : s.slots) {
      entries.add(new Entry(slot.id(), slot.index(), s.task(slot)));
    }
    return entries;
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

  private Snapshot scanIndex() throws IOException {
    requireDirectory();
    if (!Files.exists(index, LinkOption.NOFOLLOW_LINKS)) {
      throw new BoardException(
          index,
          "does not exist; a per-task board needs its index (an empty one is []), or run"
              + " 'devops-worker init'");
    }
    return BoardScanner.scan(
        index, ArrayPath.auto(), null, Set.of(), options.hooks()::betweenAttributesAndOpen);
  }

  @Override
  public Selection read(
      TaskFilter filter, Set<String> alsoIds, Function<Task, Collection<String>> references)
      throws IOException {
    FileStamp stamp = stamp();
    try (Snapshot s = scanIndex()) {
      long indexModified = s.state.modifiedNanos();
      List<Entry> entries = entries(s);
      Map<String, Entry> byId = new HashMap<>();
      Map<String, String> statuses = new HashMap<>();
      for (Entry e : entries) {
        byId.put(e.id(), e);
        JsonNode status = e.json().get("status");
        if (status != null && status.isTextual()) {
          statuses.put(e.id(), status.asText());
        }
      }
      Map<Integer, Task> chosen = new TreeMap<>();
      List<RefusedTaskException> refused = new ArrayList<>();
      List<Disagreement> disagreements = new ArrayList<>();
      for (Entry e : entries) {
        String why = unsafeId(e.id());
        if (why != null) {
          refused.add(unsafe(e.id(), why));
          continue;
        }
        boolean asked = alsoIds.contains(e.id());
        if (!asked && !mightMatch(filter, e.json()) && !changedSince(e.id(), indexModified)) {
          continue;
        }
        Optional<Task> task = load(e, refused, disagreements);
        if (task.isPresent()) {
          String status = task.get().text("status");
          if (!status.isEmpty()) {
            statuses.put(e.id(), status);
          }
          if (asked || filter.matches(task.get().json())) {
            chosen.put(e.position(), task.get());
          }
        }
      }
      Set<String> named = new LinkedHashSet<>();
      chosen.values().forEach(t -> named.addAll(references.apply(t)));
      for (String id : named) {
        Entry e = byId.get(id);
        if (e != null && !chosen.containsKey(e.position()) && unsafeId(id) == null) {
          load(e, refused, disagreements).ifPresent(t -> chosen.put(e.position(), t));
        }
      }
      return new Selection(
          new ArrayList<>(chosen.values()), statuses, refused, disagreements, stamp);
    }
  }

  /**
   * Whether the entry may match: it does, or lacks a field the filter reads, or the filter needs
   * the whole task.
   */
  private static boolean mightMatch(TaskFilter filter, JsonNode entry) {
    Optional<Set<String>> fields = filter.fields();
    if (fields.isEmpty()) {
      return true;
    }
    for (String field : fields.get()) {
      if (!entry.has(field)) {
        return true;
      }
    }
    return filter.matches(entry);
  }

  /** Whether the task's file was written at or after the index: the entry may be stale. */
  private boolean changedSince(String id, long indexModified) throws IOException {
    try {
      BasicFileAttributes a =
          Files.readAttributes(taskFile(id), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      var t = a.lastModifiedTime().toInstant();
      return t.getEpochSecond() * 1_000_000_000L + t.getNano() >= indexModified;
    } catch (NoSuchFileException e) {
      return true; // refused when opened: the reader hears why
    }
  }

  /** The task of {@code e} from its file, or empty when it is refused (the reason added). */
  private Optional<Task> load(
      Entry e, List<RefusedTaskException> refused, List<Disagreement> disagreements)
      throws IOException {
    try {
      Task task = readTask(e.id(), e.position());
      disagreements.addAll(disagreements(e.id(), e.json(), task.json()));
      return Optional.of(task);
    } catch (RefusedTaskException r) {
      refused.add(r);
      return Optional.empty();
    }
  }

  /**
   * The task as the board shows it, from its file.
   *
   * @throws RefusedTaskException when the file is missing, broken, a link, or holds another task
   */
  private Task readTask(String id, int position) throws IOException {
    Path file = checkedTaskFile(id);
    try (Snapshot t =
        BoardScanner.scan(
            file, ArrayPath.oneTask(), null, Set.of(), options.hooks()::betweenAttributesAndOpen)) {
      Slot only = t.slots.get(0);
      if (!only.id().equals(id)) {
        throw holdsAnother(file, id, only.id());
      }
      Task raw = t.taskAt(only);
      return new Task(id, position, raw.line(), raw.column(), lift(raw.json()));
    } catch (RefusedTaskException r) {
      throw r;
    } catch (BoardException b) {
      throw new RefusedTaskException(id, b);
    }
  }

  /** The task's file, if it is a regular file (not a link, not missing). */
  private Path checkedTaskFile(String id) throws IOException {
    String why = unsafeId(id);
    if (why != null) {
      throw unsafe(id, why);
    }
    Path file = taskFile(id);
    if (Files.isSymbolicLink(file)) {
      throw new RefusedTaskException(
          file, id, "is a symbolic link; a task's file must be a regular file, replace the link");
    }
    if (!Files.exists(file)) {
      throw new RefusedTaskException(
          file,
          id,
          "does not exist, but "
              + BoardLayout.INDEX
              + " lists task "
              + id
              + "; restore the file or remove the entry");
    }
    if (!Files.isRegularFile(file)) {
      throw new RefusedTaskException(
          file, id, "is not a regular file; a task's file holds one JSON object");
    }
    return file;
  }

  private static RefusedTaskException holdsAnother(Path file, String id, String found) {
    return new RefusedTaskException(
        file,
        id,
        "holds task "
            + found
            + ", not "
            + id
            + " as "
            + BoardLayout.INDEX
            + " says; give the file the name of its task_id");
  }

  /** The task as the board shows it: its file, with {@code type}/{@code priority} from payload. */
  static JsonNode lift(JsonNode file) {
    if (!file.isObject()) {
      return file;
    }
    ObjectNode shown = null;
    JsonNode payload = file.get("payload");
    for (String field : LIFTED) {
      if (!file.has(field) && payload != null && payload.isObject() && payload.has(field)) {
        if (shown == null) {
          shown = file.deepCopy();
        }
        shown.set(field, payload.get(field));
      }
    }
    return shown == null ? file : shown;
  }

  /** Where the entry says another value than its task's file. */
  private static List<Disagreement> disagreements(String id, JsonNode entry, JsonNode shown) {
    List<Disagreement> out = new ArrayList<>();
    for (String field : COMPARED) {
      JsonNode said = entry.get(field);
      JsonNode truth = shown.get(field);
      if (said != null
          && !said.isNull()
          && truth != null
          && !truth.isNull()
          && !said.equals(truth)) {
        out.add(new Disagreement(id, field, Json.compact(said), Json.compact(truth)));
      }
    }
    return out;
  }

  @Override
  public Task get(String id) throws IOException {
    try (Snapshot s = scanIndex()) {
      Slot slot = s.slot(id).orElseThrow(() -> new TaskNotFoundException(index, id));
      return readTask(id, slot.index());
    }
  }

  @Override
  public FileStamp stamp() throws IOException {
    return DirectoryStamp.of(dir);
  }

  @Override
  public Optional<FileStamp> lastWritten() {
    return Optional.ofNullable(lastWritten);
  }

  @Override
  public Watched watched() throws IOException {
    Path real = dir.toAbsolutePath();
    if (Files.exists(real)) {
      real = real.toRealPath();
    }
    return new Watched(real, name -> name.endsWith(".json") && !name.startsWith("."));
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Task update(String id, Function<Task, Patch> compute) throws IOException {
    try (Closeable held = lock()) {
      int position = position(id);
      Path file = checkedTaskFile(id);
      SingleFileBoard one = new SingleFileBoard(file, ArrayPath.oneTask(), options, true);
      String[] stampedAt = new String[1];
      Task written;
      try {
        written =
            one.update(
                id,
                raw -> {
                  Patch patch =
                      compute.apply(
                          new Task(id, position, raw.line(), raw.column(), lift(raw.json())));
                  if (!patch.sets().isEmpty() && raw.json().has(UPDATED_AT)) {
                    stampedAt[0] = timestamp(raw.json().get(UPDATED_AT));
                    patch =
                        patch.set(UPDATED_AT, Json.MAPPER.getNodeFactory().textNode(stampedAt[0]));
                  }
                  return patch;
                });
      } catch (TaskNotFoundException other) {
        try (Snapshot t = BoardScanner.scan(file, ArrayPath.oneTask(), null, Set.of())) {
          throw holdsAnother(file, id, t.slots.get(0).id());
        }
      }
      entryAfterFile(id, written.json(), stampedAt[0]);
      lastWritten = stamp();
      return new Task(id, position, written.line(), written.column(), lift(written.json()));
    }
  }

  /** The entry's position in the index; throws when the index has no such task. */
  private int position(String id) throws IOException {
    try (Snapshot s = scanIndex()) {
      return s.slot(id).orElseThrow(() -> new TaskNotFoundException(index, id)).index();
    }
  }

  /**
   * After the task's file was written: its index entry, the file's values. A failure is logged: the
   * file is the truth and the write counts.
   */
  private void entryAfterFile(String id, JsonNode file, String updatedAt) {
    try {
      writeEntry(id, lift(file), updatedAt);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "{}: task {} was written to its file, but its index entry could not be: {}; the next"
              + " read repairs it",
          index,
          id,
          e.getMessage());
    }
  }

  /**
   * Sets the entry's mirrored fields to the task's values where they differ (fields the entry has,
   * and always status), and its updated_at when anything changed; returns whether it wrote.
   */
  private boolean writeEntry(String id, JsonNode shown, String updatedAt) throws IOException {
    boolean[] changed = new boolean[1];
    indexBoard.update(
        id,
        entry -> {
          Patch patch = Patch.empty();
          for (String field : MIRRORED) {
            JsonNode truth = shown.get(field);
            JsonNode said = entry.json().get(field);
            boolean mirrors = said != null || field.equals("status");
            if (mirrors && truth != null && !Objects.equals(said, truth)) {
              if (!(truth.isTextual() || truth.isNumber() || truth.isNull()) && said == null) {
                continue;
              }
              patch = patch.set(field, truth);
            }
          }
          if (patch.sets().isEmpty()) {
            return patch;
          }
          changed[0] = true;
          JsonNode stamp = entry.json().get(UPDATED_AT);
          if (stamp != null || updatedAt != null) {
            String value =
                updatedAt != null
                    ? updatedAt
                    : shown.has(UPDATED_AT) && shown.get(UPDATED_AT).isTextual()
                        ? shown.get(UPDATED_AT).asText()
                        : timestamp(stamp);
            patch = patch.set(UPDATED_AT, Json.MAPPER.getNodeFactory().textNode(value));
          }
          return patch;
        });
    return changed[0];
  }

  /** Now, in the style of {@code like}: with milliseconds unless it has none. */
  private String timestamp(JsonNode like) {
    Instant now = clock.instant();
    boolean seconds =
        like != null
            && like.isTextual()
            && like.asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    DateTimeFormatter f =
        DateTimeFormatter.ofPattern(
                seconds ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    return f.format(now.truncatedTo(ChronoUnit.MILLIS));
  }

  @Override
  public int repairIndex(Set<String> ids) throws IOException {
    int repaired = 0;
    try (Closeable held = lock()) {
      for (String id : ids) {
        int position;
        try {
          position = position(id);
        } catch (TaskNotFoundException gone) {
          continue;
        }
        Task task;
        try {
          task = readTask(id, position);
        } catch (RefusedTaskException r) {
          continue; // nothing to repair from
        }
        if (writeEntry(id, task.json(), null)) {
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
      return addHeld(task);
    }
  }

  @Override
  public Task addIfAbsent(ObjectNode task, String keyPath) throws IOException {
    FieldPath key = FieldPath.parse(keyPath);
    JsonNode wanted = key.in(task);
    if (!wanted.isValueNode()) {
      throw new IllegalArgumentException("the new task has no value at " + keyPath);
    }
    try (Closeable held = lock()) {
      List<Entry> entries;
      try (Snapshot s = scanIndex()) {
        entries = entries(s);
      }
      for (Entry e : entries) {
        if (unsafeId(e.id()) != null) {
          continue;
        }
        Task existing;
        try {
          existing = readTask(e.id(), e.position());
        } catch (RefusedTaskException r) {
          continue;
        }
        if (key.in(existing.json()).equals(wanted)) {
          return existing;
        }
      }
      return addHeld(task);
    }
  }

  /** Adds the task's file, then its index entry; the directory's lock is held. */
  private Task addHeld(ObjectNode given) throws IOException {
    List<Slot> slots;
    List<Entry> entries;
    try (Snapshot s = scanIndex()) {
      slots = s.slots;
      entries = entries(s);
    }
    Set<String> taken = new HashSet<>();
    slots.forEach(slot -> taken.add(slot.id()));
    taken.addAll(fileIds());
    ObjectNode task = given.deepCopy();
    String idKey = task.has("id") ? "id" : task.has("task_id") ? "task_id" : null;
    String id;
    if (idKey == null) {
      IdScheme scheme = IdScheme.of(slots);
      JsonNode next = scheme.next(taken::contains);
      ObjectNode withId = Json.MAPPER.createObjectNode();
      withId.set(slots.isEmpty() ? "task_id" : scheme.key(), next);
      withId.setAll(task);
      task = withId;
      id = next.asText();
    } else {
      id = task.get(idKey).asText();
      if (taken.contains(id)) {
        throw new BoardException(
            index,
            "a task with id " + id + " already exists; leave the id out to get the next one");
      }
    }
    String why = unsafeId(id);
    if (why != null) {
      throw new BoardException(index, "task " + id + ": " + why + "; give the task another id");
    }
    Path file = taskFile(id);
    byte[] bytes = render(task, newestTaskFile(entries));
    if (!LockedUpdate.createHeld(file, bytes)) {
      throw new BoardException(file, "exists already; leave the id out to get the next one");
    }
    JsonNode shown = lift(Json.parse(new String(bytes, StandardCharsets.UTF_8)));
    ObjectNode entry = Json.MAPPER.createObjectNode();
    entry.put("task_id", id);
    entry.set("title", title(shown));
    for (String field : List.of("status", "agent", "type", "priority")) {
      entry.set(field, shown.has(field) ? shown.get(field) : Json.MAPPER.nullNode());
    }
    entry.put(
        UPDATED_AT,
        timestamp(
            entries.isEmpty() ? null : entries.get(entries.size() - 1).json().get(UPDATED_AT)));
    try {
      indexBoard.add(entry);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file); // not in the index, it would be no task: take it back
      throw e;
    }
    lastWritten = stamp();
    return new Task(id, slots.size(), 1, 1, shown);
  }

  private static JsonNode title(JsonNode task) {
    JsonNode title = task.get("title");
    if (title == null || !title.isTextual()) {
      title = task.path("payload").get("title");
    }
    return title != null && title.isTextual() ? title : Json.MAPPER.getNodeFactory().textNode("");
  }

  /** The ids the directory's task files name ({@code <id>.json}), index or not. */
  private Set<String> fileIds() throws IOException {
    Set<String> ids = new HashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        ids.add(name.substring(0, name.length() - ".json".length()));
      }
    }
    return ids;
  }

  /** The newest listed task's file, whose style a new file follows; null when none is readable. */
  private byte[] newestTaskFile(List<Entry> entries) throws IOException {
    for (int i = entries.size() - 1; i >= 0; i--) {
      String id = entries.get(i).id();
      if (unsafeId(id) != null) {
        continue;
      }
      Path file = taskFile(id);
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          && Files.size(file) <= Json.MAX_ENTRY_BYTES) {
        return Files.readAllBytes(file);
      }
    }
    return null;
  }

  /** The task in the style of {@code like} (indent, separators, line ends, final newline). */
  private static byte[] render(ObjectNode task, byte[] like) {
    Style style = Style.DEFAULT;
    String end = "\n";
    if (like != null) {
      int open = 0;
      while (open < like.length && like[open] != '{') {
        open++;
      }
      if (open < like.length) {
        style = Style.of(java.util.Arrays.copyOfRange(like, open, like.length), "");
      }
      int last = like.length;
      while (last > 0 && Style.Bytes.isWhitespace(like[last - 1])) {
        last--;
      }
      end = new String(like, last, like.length - last, StandardCharsets.UTF_8);
    }
    return (style.render(task, "") + end).getBytes(StandardCharsets.UTF_8);
  }
}

package dev.taskboard.devops.hitl;

import dev.taskboard.devops.files.LockedUpdate;
import dev.taskboard.devops.hitl.Document.EntryBlock;
import dev.taskboard.devops.hitl.Document.Field;
import dev.taskboard.devops.hitl.LockedText.Result;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The worker's side of human-requests.md, the file humans and agents share: it appends escalations
 * marked with a random nonce, reads entries and responses, and edits only the lines of the entries
 * whose id and nonce the caller presents.
 */
public final class HumanRequests {
  private final Path file;
  private final Clock clock;
  private final LockedText text;
  private final SecureRandom random = new SecureRandom();

  public HumanRequests(Path file, Clock clock) {
    this(file, clock, LockedUpdate.Options.DEFAULT);
  }

  /** With write options: attempts against writers ignoring the lock, and a test seam. */
  HumanRequests(Path file, Clock clock, LockedUpdate.Options options) {
    this.file = Objects.requireNonNull(file, "file == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.text = new LockedText(file, options);
  }

  public Path file() {
    return file;
  }

  /**
   * Creates the file from the template (the jar resource /demo/human-requests.md.template, else the
   * built-in copy of it) when missing; returns whether it did.
   */
  public boolean createIfMissing() throws IOException {
    return text.create(Template.bytes());
  }

  /**
   * Reads the file without the lock. Never throws: a file that cannot be used (not UTF-8, too
   * large, unreadable) is {@link Reading.Unreadable}, so one bad byte stops nothing but the work on
   * this file.
   */
  public Reading read() {
    Optional<String> current;
    try {
      current = text.read();
    } catch (IOException e) {
      return new Reading.Unreadable(oneLine(e));
    }
    return new Reading.Ok(
        current
            .map(t -> Requests.of(file, Document.parse(t)))
            .orElseGet(() -> Requests.none(file)));
  }

  /**
   * Appends a new entry at the end of Pending, with the next HITL id and a fresh random nonce, in
   * the style of the file's entries; returns it (its {@link Entry#ref()} is what to keep). Never
   * takes an existing entry for the worker's.
   */
  public Entry escalate(Escalation escalation) throws IOException {
    Objects.requireNonNull(escalation, "escalation == null");
    createIfMissing();
    return text.update(current -> escalate(current, escalation, Optional.empty()));
  }

  /**
   * Returns the entry {@code asked} names when it is still open and exactly the worker's (one entry
   * with that id, carrying that nonce), writing nothing; else appends a new one as {@link
   * #escalate(Escalation)} does. {@code asked} is what the caller recorded when it asked before.
   */
  public Entry escalate(Escalation escalation, EntryRef asked) throws IOException {
    Objects.requireNonNull(escalation, "escalation == null");
    Objects.requireNonNull(asked, "asked == null");
    createIfMissing();
    return text.update(current -> escalate(current, escalation, Optional.of(asked)));
  }

  /**
   * Moves the worker's entry to the end of Resolved: Status becomes Resolved, "Actions Taken" and
   * "Resolved Date" (the clock's day, UTC) are added, every other line is kept exactly. An entry
   * already in Resolved is left as it is.
   *
   * @throws HumanRequestsException naming the file and line when no entry, more than one entry, or
   *     an entry without this nonce has the id
   */
  public void resolve(EntryRef ref, String actionsTaken) throws IOException {
    Objects.requireNonNull(ref, "ref == null");
    Objects.requireNonNull(actionsTaken, "actionsTaken == null");
    String date = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
    text.update(current -> resolve(current, doc -> locate(doc, ref), actionsTaken, date));
  }

  /**
   * Adds or replaces the "Worker Note" line of the worker's entry; the entry stays where it is.
   *
   * @throws HumanRequestsException as {@link #resolve(EntryRef, String)} does
   */
  public void note(EntryRef ref, String note) throws IOException {
    Objects.requireNonNull(ref, "ref == null");
    Objects.requireNonNull(note, "note == null");
    text.update(current -> note(current, doc -> locate(doc, ref), note));
  }

  /**
   * Writes {@code lines} (without line endings) as the whole answer under the entry's Human
   * Response, in place of the placeholder or an earlier answer: what {@code devops-worker approve}
   * writes, a signed block.
   *
   * @throws HumanRequestsException as {@link #resolve(EntryRef, String)} does, or when the entry
   *     has no Human Response field
   */
  public void answer(EntryRef ref, List<String> lines) throws IOException {
    Objects.requireNonNull(ref, "ref == null");
    List<String> answer = List.copyOf(lines);
    text.update(current -> answer(current, locate(Document.parse(current), ref), answer));
  }

  private Result<Void> answer(String current, EntryBlock entry, List<String> lines)
      throws HumanRequestsException {
    Document doc = Document.parse(current);
    Field f =
        entry
            .field(EntryText.HUMAN_RESPONSE)
            .orElseThrow(
                () ->
                    new HumanRequestsException(
                        file,
                        entry.heading() + 1,
                        1,
                        "entry "
                            + entry.id()
                            + " has no Human Response field; restore it from the template"));
    Document.Line fieldLine = doc.lines.get(f.line());
    String cleared = withValue(f, doc.content(f.line()), "").stripTrailing();
    StringBuilder text = new StringBuilder(cleared).append(doc.eol);
    lines.forEach(l -> text.append(l).append(doc.eol));
    Document.Line last = doc.lines.get(Math.max(f.line(), f.last()));
    int end = last.hasEol() ? last.end() : last.contentEnd();
    String replacement =
        last.hasEol() ? text.toString() : text.substring(0, text.length() - doc.eol.length());
    return Result.replaced(
        Edit.apply(current, List.of(new Edit(fieldLine.start(), end, replacement))), null);
  }

  /**
   * Every entry in the file, in file order, with its section; none when there is no file.
   *
   * @throws HumanRequestsException when the file is not UTF-8 ({@link #read()} does not throw)
   */
  public List<Entry> entries() throws IOException {
    Optional<String> current = text.read();
    return current.isEmpty() ? List.of() : Document.parse(current.get()).entryValues();
  }

  /** The sections (Pending, In Progress, Resolved) whose headings the file has. */
  public Set<Section> sections() throws IOException {
    Optional<String> current = text.read();
    return current.isEmpty()
        ? Set.of()
        : Requests.of(file, Document.parse(current.get())).sections();
  }

  /** How many times a writer that ignores the lock replaced the file under this one. */
  int collisions() {
    return text.collisions();
  }

  /** Finds, in one version of the file, the entry an edit is for; or says why it cannot. */
  private interface Target {
    EntryBlock locate(Document doc) throws HumanRequestsException;
  }

  private Result<Entry> escalate(String current, Escalation escalation, Optional<EntryRef> asked)
      throws HumanRequestsException {
    Document doc = Document.parse(current);
    if (asked.isPresent()) {
      Optional<Entry> mine = lookup(doc, asked.get()).mine().filter(Entry::open);
      if (mine.isPresent()) {
        return Result.unchanged(mine.get());
      }
    }
    EntryRef ref = new EntryRef(doc.nextId(), EntryText.newNonce(random));
    List<String> lines = EntryText.lines(ref.id(), ref.nonce(), escalation, doc.style());
    Edit append = doc.appendTo(Section.PENDING, lines, doc.separated());
    String after = Edit.apply(current, List.of(append));
    int heading = append.start() + append.replacement().indexOf("### ");
    return Result.replaced(
        after, readBack(doc, List.of(append), after, ref, Section.PENDING, heading));
  }

  private Result<Void> resolve(String current, Target target, String actions, String date)
      throws HumanRequestsException {
    Document doc = Document.parse(current);
    EntryBlock entry = target.locate(doc);
    if (entry.section() == Section.RESOLVED) {
      return Result.unchanged(null);
    }
    boolean separated = doc.separated();
    List<String> moved = resolvedLines(doc, entry, actions, date);
    Edit cut = doc.cut(entry, separated);
    Edit insert = doc.appendTo(Section.RESOLVED, moved, separated);
    String after = Edit.apply(current, List.of(cut, insert));
    int heading = insert.start() + insert.replacement().indexOf("### ");
    if (cut.end() <= insert.start()) {
      heading -= cut.end() - cut.start();
    }
    readBack(
        doc, List.of(cut, insert), after, entry.ref().orElseThrow(), Section.RESOLVED, heading);
    return Result.replaced(after, null);
  }

  /**
   * The entry just written, read back from the new text: exactly one entry with its id and nonce,
   * in {@code section}. When a code block or HTML comment of the file that never ends took it in,
   * says which, at its line in the file as it is.
   */
  private Entry readBack(
      Document before,
      List<Edit> edits,
      String after,
      EntryRef ref,
      Section section,
      int headingOffset)
      throws HumanRequestsException {
    Document doc = Document.parse(after);
    Optional<Entry> mine = lookup(doc, ref).mine().filter(e -> e.section() == section);
    if (mine.isPresent()) {
      return mine.get();
    }
    Optional<Document.Literal> swallowed = doc.literalAt(doc.lineAt(headingOffset));
    if (swallowed.isPresent()) {
      int start = doc.lines.get(swallowed.get().first()).start();
      int line = before.lineAt(Edit.before(edits, start));
      throw new HumanRequestsException(file, line + 1, 1, swallowed.get().reason());
    }
    throw new HumanRequestsException(
        file,
        "entry "
            + ref.id()
            + " would not read back as written under "
            + section.heading(false)
            + "; nothing was written, check the file's Markdown around that section");
  }

  /** The entry's lines with Status set, Actions Taken and Resolved Date (re)placed at its end. */
  private static List<String> resolvedLines(
      Document doc, EntryBlock entry, String actions, String date) {
    EntryText.Style style = entry.style();
    Optional<Field> status = entry.field(EntryText.STATUS);
    Optional<Field> response = entry.field(EntryText.HUMAN_RESPONSE);
    List<Integer> dropped = new ArrayList<>();
    for (String replaced : List.of(EntryText.ACTIONS_TAKEN, EntryText.RESOLVED_DATE)) {
      entry.fields().stream()
          .filter(f -> f.name().equalsIgnoreCase(replaced))
          .forEach(f -> addRange(dropped, f.line(), f.last()));
    }
    List<String> lines = new ArrayList<>();
    for (int i = entry.heading(); i <= entry.last(); i++) {
      if (dropped.contains(i)) {
        continue;
      }
      if (status.isEmpty() && response.isPresent() && response.get().line() == i) {
        lines.add(style.field(EntryText.STATUS, "Resolved"));
      }
      String line = doc.content(i);
      lines.add(
          status.isPresent() && status.get().line() == i
              ? withValue(status.get(), line, "Resolved")
              : line);
    }
    while (lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    if (status.isEmpty() && response.isEmpty()) {
      lines.add(style.field(EntryText.STATUS, "Resolved"));
    }
    if (style.paragraphs()) {
      lines.add("");
    }
    lines.add(style.field(EntryText.ACTIONS_TAKEN, actions));
    lines.add(style.field(EntryText.RESOLVED_DATE, date));
    return lines;
  }

  private Result<Void> note(String current, Target target, String note)
      throws HumanRequestsException {
    Document doc = Document.parse(current);
    EntryBlock entry = target.locate(doc);
    String folded = EntryText.fold(note);
    Optional<Field> existing = entry.field(EntryText.WORKER_NOTE);
    if (existing.isPresent()) {
      Field f = existing.get();
      if (f.value().equals(folded)) {
        return Result.unchanged(null);
      }
      Document.Line line = doc.lines.get(f.line());
      String replaced = withValue(f, doc.content(f.line()), folded);
      Edit edit = new Edit(line.start(), line.contentEnd(), replaced);
      return Result.replaced(Edit.apply(current, List.of(edit)), null);
    }
    EntryText.Style style = entry.style();
    String added = style.field(EntryText.WORKER_NOTE, folded);
    String gap = style.paragraphs() ? doc.eol : "";
    Optional<Field> response = entry.field(EntryText.HUMAN_RESPONSE);
    Document.Line last = doc.lines.get(entry.last());
    Edit edit;
    if (response.isPresent()) {
      edit = Edit.insert(doc.lines.get(response.get().line()).start(), added + doc.eol + gap);
    } else if (last.hasEol()) {
      edit = Edit.insert(last.end(), gap + added + doc.eol);
    } else {
      edit = Edit.insert(last.contentEnd(), doc.eol + gap + added);
    }
    return Result.replaced(Edit.apply(current, List.of(edit)), null);
  }

  private static void addRange(List<Integer> lines, int from, int to) {
    for (int i = from; i <= to; i++) {
      lines.add(i);
    }
  }

  /** The line with the field's value replaced, everything before the value kept. */
  private static String withValue(Field field, String line, String value) {
    String before = line.substring(0, field.valueColumn());
    boolean glued =
        field.value().isEmpty()
            && !before.isEmpty()
            && !Character.isWhitespace(before.charAt(before.length() - 1));
    return before + (glued ? " " : "") + EntryText.fold(value);
  }

  private Lookup lookup(Document doc, EntryRef ref) {
    return Lookup.of(file, ref, doc.withId(ref.id()).stream().map(doc::entry).toList());
  }

  private EntryBlock locate(Document doc, EntryRef ref) throws HumanRequestsException {
    Lookup found = lookup(doc, ref);
    if (found.mine().isPresent()) {
      return doc.withId(ref.id()).get(0);
    }
    throw HumanRequestsException.withMessage(file, found.problem().orElseThrow());
  }

  /** One line for anything that keeps the file from being read. */
  private String oneLine(IOException e) {
    if (e instanceof HumanRequestsException) {
      return e.getMessage();
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return HumanRequestsException.format(file, 0, 0, fs.getReason());
    }
    String what = e.getClass().getSimpleName();
    return HumanRequestsException.format(
        file,
        0,
        0,
        "cannot be read ("
            + what
            + "); the worker leaves it alone and reads it again when it changes");
  }
}

package dev.taskboard.devops.hitl;

import dev.taskboard.devops.files.LockedUpdate;
import dev.taskboard.devops.hitl.Document.EntryBlock;
import dev.taskboard.devops.hitl.Document.Field;
import dev.taskboard.devops.hitl.LockedText.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The worker's side of human-requests.md, the file humans and agents share: it appends escalations,
 * reads entries and responses, and edits only the lines of its own entries.
 */
public final class HumanRequests {
  private final Path file;
  private final Clock clock;
  private final LockedText text;

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
   * Appends the entry at the end of Pending unless an open entry (Pending or In Progress) with the
   * same key exists; returns the entry, new or existing. The id is the next HITL number.
   */
  public Entry escalate(Escalation escalation) throws IOException {
    Objects.requireNonNull(escalation, "escalation == null");
    createIfMissing();
    return text.update(current -> escalate(current, escalation));
  }

  /** Every entry in the file, in file order, with its section; none when there is no file. */
  public List<Entry> entries() throws IOException {
    Optional<String> current = text.read();
    if (current.isEmpty()) {
      return List.of();
    }
    return Document.parse(current.get()).entries.stream().map(EntryBlock::entry).toList();
  }

  /** The sections (Pending, In Progress, Resolved) whose headings the file has. */
  public Set<Section> sections() throws IOException {
    Optional<String> current = text.read();
    Set<Section> found = EnumSet.noneOf(Section.class);
    current.ifPresent(t -> Document.parse(t).sections.forEach(block -> found.add(block.section())));
    found.remove(Section.OTHER);
    return found;
  }

  /**
   * Moves the worker's entry to the end of Resolved: Status becomes Resolved, "Actions Taken" and
   * "Resolved Date" (the clock's day, UTC) are added, every other line is kept exactly. An entry
   * already in Resolved is left as it is.
   */
  public void resolve(String id, String actionsTaken) throws IOException {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(actionsTaken, "actionsTaken == null");
    String date = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
    text.update(current -> resolve(current, id, actionsTaken, date));
  }

  /** Adds or replaces the "Worker Note" line of the worker's entry; the entry stays where it is. */
  public void note(String id, String note) throws IOException {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(note, "note == null");
    text.update(current -> note(current, id, note));
  }

  /** How many times a writer that ignores the lock replaced the file under this one. */
  int collisions() {
    return text.collisions();
  }

  private Result<Entry> escalate(String current, Escalation escalation)
      throws HumanRequestsException {
    Document doc = Document.parse(current);
    if (doc.unclosedFenceLine() > 0) {
      // An entry appended after it would be read as code, by people and by the worker.
      throw new HumanRequestsException(
          file,
          doc.unclosedFenceLine(),
          1,
          "a ``` code block opened here is never closed; close it so new requests can be added");
    }
    Optional<Entry> open =
        doc.entries.stream()
            .map(EntryBlock::entry)
            .filter(e -> e.open() && e.key().equals(Optional.of(escalation.key())))
            .findFirst();
    if (open.isPresent()) {
      return Result.unchanged(open.get());
    }
    String id = doc.nextId();
    Edit append = doc.appendTo(Section.PENDING, EntryText.lines(id, escalation));
    String after = Edit.apply(current, List.of(append));
    return Result.replaced(after, Document.parse(after).entry(id).orElseThrow().entry());
  }

  private Result<Void> resolve(String current, String id, String actions, String date)
      throws HumanRequestsException {
    Document doc = Document.parse(current);
    EntryBlock entry = workerEntry(doc, id);
    if (entry.section() == Section.RESOLVED) {
      return Result.unchanged(null);
    }
    List<String> moved = resolvedLines(doc, entry, actions, date);
    Edit cut = doc.cut(entry);
    Edit insert = doc.appendTo(Section.RESOLVED, moved);
    return Result.replaced(Edit.apply(current, List.of(cut, insert)), null);
  }

  /** The entry's lines with Status set, Actions Taken and Resolved Date (re)placed at its end. */
  private static List<String> resolvedLines(
      Document doc, EntryBlock entry, String actions, String date) {
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
        lines.add(EntryText.field(EntryText.STATUS, "Resolved"));
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
      lines.add(EntryText.field(EntryText.STATUS, "Resolved"));
    }
    lines.add(EntryText.field(EntryText.ACTIONS_TAKEN, actions));
    lines.add(EntryText.field(EntryText.RESOLVED_DATE, date));
    return lines;
  }

  private Result<Void> note(String current, String id, String note) throws HumanRequestsException {
    Document doc = Document.parse(current);
    EntryBlock entry = workerEntry(doc, id);
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
    String added = EntryText.field(EntryText.WORKER_NOTE, folded);
    Optional<Field> response = entry.field(EntryText.HUMAN_RESPONSE);
    Document.Line last = doc.lines.get(entry.last());
    Edit edit;
    if (response.isPresent()) {
      edit = Edit.insert(doc.lines.get(response.get().line()).start(), added + doc.eol);
    } else if (last.hasEol()) {
      edit = Edit.insert(last.end(), added + doc.eol);
    } else {
      edit = Edit.insert(last.contentEnd(), doc.eol + added);
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

  private EntryBlock workerEntry(Document doc, String id) throws HumanRequestsException {
    Optional<EntryBlock> mine = doc.workerEntry(id);
    if (mine.isPresent()) {
      return mine.get();
    }
    Optional<EntryBlock> other = doc.entry(id);
    if (other.isPresent()) {
      throw new HumanRequestsException(
          file,
          other.get().heading() + 1,
          1,
          "entry "
              + id
              + " was not written by devops-worker (no Submitted By: DevOps-Engineer with its key"
              + " line); the worker leaves it alone");
    }
    throw new HumanRequestsException(
        file,
        "has no entry "
            + id
            + "; its heading may have been edited or removed, restore it or escalate again");
  }
}

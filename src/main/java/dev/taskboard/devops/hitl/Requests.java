package dev.taskboard.devops.hitl;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** One version of human-requests.md as read: its entries and sections. */
public final class Requests {
  private final Path file;
  private final List<Entry> entries;
  private final Set<Section> sections;

  private Requests(Path file, List<Entry> entries, Set<Section> sections) {
    this.file = file;
    this.entries = List.copyOf(entries);
    this.sections = Set.copyOf(sections);
  }

  static Requests of(Path file, Document doc) {
    Set<Section> found = EnumSet.noneOf(Section.class);
    doc.sections.forEach(block -> found.add(block.section()));
    found.remove(Section.OTHER);
    return new Requests(file, doc.entryValues(), found);
  }

  static Requests none(Path file) {
    return new Requests(file, List.of(), Set.of());
  }

  public Path file() {
    return file;
  }

  /** Every entry, in file order. */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * Every entry with this id, in file order; ids compared ignoring case and leading zeros of the
   * number, as a human reading the file would.
   */
  public List<Entry> entries(String id) {
    String same = EntryText.sameness(id);
    return entries.stream().filter(e -> EntryText.sameness(e.id()).equals(same)).toList();
  }

  /**
   * The entry the worker wrote as {@code ref}: found only when exactly one entry has the id and it
   * carries the nonce.
   */
  public Lookup find(EntryRef ref) {
    return Lookup.of(file, ref, entries(ref.id()));
  }

  /** The sections (Pending, In Progress, Resolved) whose headings the file has. */
  public Set<Section> sections() {
    return sections;
  }
}

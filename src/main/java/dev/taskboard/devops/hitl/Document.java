package dev.taskboard.devops.hitl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One version of human-requests.md laid out as lines, sections and entries, with the character
 * offsets edits need.
 *
 * <p>Only ATX headings outside fenced code count. A section runs from a level-2 heading to the next
 * heading of level 1 or 2; an entry from a level-3 {@code ### ID: title} heading to the next
 * heading of level 1 to 3 or thematic break.
 */
final class Document {
  private static final Pattern HEADING =
      Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");
  private static final Pattern BREAK =
      Pattern.compile("^ {0,3}(?:(?:\\*[ \\t]*){3,}|(?:-[ \\t]*){3,}|(?:_[ \\t]*){3,})$");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
  private static final Pattern ID_HEADING =
      Pattern.compile("^([A-Za-z][\\w.-]*-\\d+)(?![\\w-])\\s*(?:[:—–-]\\s*)?(.*)$");
  private static final Pattern FIELD =
      Pattern.compile("^( *)(?:[-*+][ \\t]+)?\\*\\*([^*]+?)(?:\\*\\*[ \\t]*:|:\\*\\*)[ \\t]?(.*)$");
  private static final Pattern LIST_MARKER =
      Pattern.compile("^(?:[-*+]|\\d{1,9}[.)])(?:[ \\t]+|$)");
  private static final Pattern PLACEHOLDER =
      Pattern.compile(
          "^[_*]*\\(?\\s*please add your response here\\.?\\s*\\)?[_*]*$",
          Pattern.CASE_INSENSITIVE);
  private static final String WORKER_PREFIX = "HITL-";

  /** A line: {@code [start, contentEnd)} its text, {@code [contentEnd, end)} its line ending. */
  record Line(int start, int contentEnd, int end) {
    boolean hasEol() {
      return end > contentEnd;
    }
  }

  /** An ATX heading: its level and its text without the closing hashes. */
  record Heading(int level, String text) {}

  enum Kind {
    BLANK,
    TEXT,
    HEADING,
    BREAK,
    CODE
  }

  /** A level-2 (or level-1, as {@link Section#OTHER}) heading and the lines up to the next one. */
  record SectionBlock(Section section, int heading, int end) {}

  /**
   * A {@code **Name**: value} line of an entry: the value as on the line (stripped), where it
   * starts in the line, and the lines under it ({@code last} is the last non-blank one).
   */
  record Field(String name, String value, int line, int valueColumn, int last, List<String> under) {
    Field {
      under = List.copyOf(under);
    }
  }

  /** An entry's lines: heading, last non-blank line, end of its extent (exclusive). */
  record EntryBlock(
      String id,
      String title,
      Section section,
      int heading,
      int last,
      int end,
      List<Field> fields,
      Optional<String> key) {
    EntryBlock {
      fields = List.copyOf(fields);
    }

    Optional<Field> field(String name) {
      return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst();
    }

    Entry entry() {
      Map<String, String> values = new LinkedHashMap<>();
      for (Field f : fields) {
        values.putIfAbsent(f.name(), String.join("\n", words(f, false)));
      }
      Optional<String> response =
          field(EntryText.HUMAN_RESPONSE)
              .map(f -> String.join("\n", words(f, true)))
              .filter(s -> !s.isEmpty());
      return new Entry(id, title, section, values, response, key, heading + 1);
    }
  }

  final String text;
  final String eol;
  final List<Line> lines;
  final List<Kind> kinds;
  private int unclosedFence;
  final List<SectionBlock> sections;
  final List<EntryBlock> entries;
  private final Map<Integer, Heading> headings = new LinkedHashMap<>();

  private Document(String text) {
    this.text = text;
    this.lines = split(text);
    this.eol = firstLineEnding();
    this.kinds = classify();
    this.sections = findSections();
    this.entries = findEntries();
  }

  static Document parse(String text) {
    return new Document(text);
  }

  String content(int line) {
    Line l = lines.get(line);
    String s = text.substring(l.start(), l.contentEnd());
    return line == 0 && s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  Optional<EntryBlock> entry(String id) {
    return entries.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  Optional<EntryBlock> workerEntry(String id) {
    return entries.stream().filter(e -> e.id().equals(id) && e.entry().byWorker()).findFirst();
  }

  /** The next worker id: one above the highest HITL number of any heading, three digits or more. */
  String nextId() {
    long max = 0;
    for (Heading h : headings.values()) {
      Matcher id = ID_HEADING.matcher(h.text());
      if (id.matches() && id.group(1).regionMatches(true, 0, WORKER_PREFIX, 0, 5)) {
        String digits = id.group(1).substring(WORKER_PREFIX.length());
        if (digits.chars().allMatch(Character::isDigit) && digits.length() < 18) {
          max = Math.max(max, Long.parseLong(digits));
        }
      }
    }
    return String.format("%s%03d", WORKER_PREFIX, max + 1);
  }

  /**
   * Inserts {@code block} (lines without endings) after the last line of the first {@code section}
   * that is not blank or a thematic break, one blank line before it; appends the section at the end
   * of the file when there is none.
   */
  Edit appendTo(Section section, List<String> block) {
    Optional<SectionBlock> found =
        sections.stream().filter(s -> s.section() == section).findFirst();
    if (found.isEmpty()) {
      return appendSection(section, block);
    }
    int last = found.get().heading();
    for (int i = found.get().end() - 1; i > last; i--) {
      if (kinds.get(i) != Kind.BLANK && kinds.get(i) != Kind.BREAK) {
        last = i;
        break;
      }
    }
    Line after = lines.get(last);
    if (!after.hasEol()) {
      // The file ends here without a line ending: it keeps ending without one.
      return Edit.insert(after.end(), eol + eol + String.join(eol, block));
    }
    StringBuilder b = new StringBuilder(eol);
    block.forEach(line -> b.append(line).append(eol));
    if (last + 1 < lines.size() && kinds.get(last + 1) != Kind.BLANK) {
      b.append(eol);
    }
    return Edit.insert(after.end(), b.toString());
  }

  /** Removes an entry's lines and the blank lines after it. */
  Edit cut(EntryBlock entry) {
    Line end = lines.get(entry.end() - 1);
    int from = lines.get(entry.heading()).start();
    if (!end.hasEol()) {
      // The entry ends the file without a line ending: take the one before it instead.
      int p = entry.heading() - 1;
      while (p >= 0 && kinds.get(p) == Kind.BLANK) {
        p--;
      }
      from = p < 0 ? 0 : lines.get(p).contentEnd();
    }
    if (from == 0 && text.startsWith("\uFEFF")) {
      from = 1; // the byte order mark belongs to the file, not to its first line
    }
    return new Edit(from, end.end(), "");
  }

  private Edit appendSection(Section section, List<String> block) {
    StringBuilder b = new StringBuilder();
    boolean finalEol = lines.isEmpty() || lines.get(lines.size() - 1).hasEol();
    int last = lastNonBlank(lines.size());
    if (!lines.isEmpty()) {
      if (!finalEol) {
        b.append(eol);
      }
      if (kinds.get(lines.size() - 1) != Kind.BLANK) {
        b.append(eol);
      }
      if (separated() && (last < 0 || kinds.get(last) != Kind.BREAK)) {
        b.append("---").append(eol).append(eol);
      }
    }
    b.append("## ").append(section.heading(emoji())).append(eol).append(eol);
    b.append(String.join(eol, block));
    if (finalEol) {
      b.append(eol);
    }
    return Edit.insert(text.length(), b.toString());
  }

  /** Whether the file puts a thematic break before its sections, as the template does. */
  private boolean separated() {
    for (SectionBlock s : sections) {
      int p = lastNonBlank(s.heading());
      if (p >= 0 && kinds.get(p) == Kind.BREAK) {
        return true;
      }
    }
    return false;
  }

  /** Whether the file's known section headings start with an emoji (the template's do). */
  private boolean emoji() {
    for (SectionBlock s : sections) {
      if (s.section() != Section.OTHER) {
        String heading = headingText(s.heading());
        return !heading.isEmpty() && !Character.isLetterOrDigit(heading.codePointAt(0));
      }
    }
    return true;
  }

  private int lastNonBlank(int before) {
    int p = before - 1;
    while (p >= 0 && kinds.get(p) == Kind.BLANK) {
      p--;
    }
    return p;
  }

  private String headingText(int line) {
    return headings.get(line).text();
  }

  private int level(int line) {
    return headings.get(line).level();
  }

  private static List<Line> split(String text) {
    List<Line> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      if (nl < 0) {
        lines.add(new Line(start, text.length(), text.length()));
        break;
      }
      int contentEnd = nl > start && text.charAt(nl - 1) == '\r' ? nl - 1 : nl;
      lines.add(new Line(start, contentEnd, nl + 1));
      start = nl + 1;
    }
    return lines;
  }

  private String firstLineEnding() {
    for (Line l : lines) {
      if (l.hasEol()) {
        return text.substring(l.contentEnd(), l.end());
      }
    }
    return "\n";
  }

  /** The 1-based line of a code fence that is never closed, or 0. */
  int unclosedFenceLine() {
    return unclosedFence;
  }

  private List<Kind> classify() {
    List<Kind> result = new ArrayList<>();
    String fence = null;
    int fenceLine = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = content(i);
      Matcher f = FENCE.matcher(line);
      if (fence != null) {
        if (f.find()
            && f.group(1).charAt(0) == fence.charAt(0)
            && f.group(1).length() >= fence.length()
            && line.substring(f.end()).isBlank()) {
          fence = null;
        }
        result.add(Kind.CODE);
      } else if (f.find()) {
        fence = f.group(1);
        fenceLine = i + 1;
        result.add(Kind.CODE);
      } else if (line.isBlank()) {
        result.add(Kind.BLANK);
      } else if (BREAK.matcher(line).matches()) {
        result.add(Kind.BREAK);
      } else {
        Matcher h = HEADING.matcher(line);
        if (h.matches()) {
          String t = h.group(2);
          headings.put(i, new Heading(h.group(1).length(), t == null ? "" : t.strip()));
          result.add(Kind.HEADING);
        } else {
          result.add(Kind.TEXT);
        }
      }
    }
    unclosedFence = fence == null ? 0 : fenceLine;
    return result;
  }

  private List<SectionBlock> findSections() {
    List<SectionBlock> found = new ArrayList<>();
    List<Integer> starts = headings.keySet().stream().filter(i -> level(i) <= 2).toList();
    for (int k = 0; k < starts.size(); k++) {
      int h = starts.get(k);
      int end = k + 1 < starts.size() ? starts.get(k + 1) : lines.size();
      Section s = level(h) == 2 ? Section.of(headingText(h)) : Section.OTHER;
      found.add(new SectionBlock(s, h, end));
    }
    return found;
  }

  private List<EntryBlock> findEntries() {
    List<EntryBlock> found = new ArrayList<>();
    for (int h : headings.keySet()) {
      Matcher id = ID_HEADING.matcher(headingText(h));
      if (level(h) != 3 || !id.matches()) {
        continue;
      }
      int end = h + 1;
      while (end < lines.size()
          && kinds.get(end) != Kind.BREAK
          && !(kinds.get(end) == Kind.HEADING && level(end) <= 3)) {
        end++;
      }
      int last = Math.max(h, lastNonBlank(end));
      found.add(entryBlock(id.group(1), id.group(2).strip(), sectionOf(h), h, last, end));
    }
    return found;
  }

  private Section sectionOf(int line) {
    Section s = Section.OTHER;
    for (SectionBlock b : sections) {
      if (b.heading() < line) {
        s = b.section();
      }
    }
    return s;
  }

  private EntryBlock entryBlock(
      String id, String title, Section section, int heading, int last, int end) {
    List<Field> fields = new ArrayList<>();
    Optional<String> key = Optional.empty();
    int baseIndent = -1;
    String name = null;
    String value = null;
    int fieldLine = -1;
    int column = 0;
    int fieldLast = -1;
    List<String> under = new ArrayList<>();
    for (int i = heading + 1; i <= last; i++) {
      String line = content(i);
      Optional<String> marker = kinds.get(i) == Kind.TEXT ? EntryText.key(line) : Optional.empty();
      if (marker.isPresent()) {
        key = key.or(() -> marker);
        continue;
      }
      Matcher f = kinds.get(i) == Kind.TEXT ? FIELD.matcher(line) : null;
      if (f != null && f.matches() && (baseIndent < 0 || f.group(1).length() <= baseIndent)) {
        if (name != null) {
          fields.add(new Field(name, value, fieldLine, column, fieldLast, trimmed(under)));
        }
        baseIndent = f.group(1).length();
        name = f.group(2).strip();
        value = f.group(3).strip();
        fieldLine = i;
        column = f.start(3);
        fieldLast = i;
        under.clear();
      } else if (name != null) {
        under.add(line);
        if (!line.isBlank()) {
          fieldLast = i;
        }
      }
    }
    if (name != null) {
      fields.add(new Field(name, value, fieldLine, column, fieldLast, trimmed(under)));
    }
    return new EntryBlock(id, title, section, heading, last, end, fields, key);
  }

  private static List<String> trimmed(List<String> under) {
    int n = under.size();
    while (n > 0 && under.get(n - 1).isBlank()) {
      n--;
    }
    return new ArrayList<>(under.subList(0, n));
  }

  /** A field's words: the value and the lines under it without list markers, blanks dropped. */
  private static List<String> words(Field f, boolean withoutPlaceholder) {
    List<String> words = new ArrayList<>();
    List<String> all = new ArrayList<>();
    all.add(f.value());
    all.addAll(f.under());
    for (String line : all) {
      String w = LIST_MARKER.matcher(line.strip()).replaceFirst("").strip();
      if (!w.isEmpty() && !(withoutPlaceholder && PLACEHOLDER.matcher(w).matches())) {
        words.add(w);
      }
    }
    return words;
  }
}

package dev.taskboard.devops.hitl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * One version of human-requests.md laid out as lines, sections and entries, with the character
 * offsets edits need.
 *
 * <p>What counts is what a Markdown reader shows: CommonMark (commonmark-java) decides which lines
 * are top-level ATX headings and thematic breaks, and which are code or HTML (comments included, at
 * any depth). Text inside HTML blocks is no heading, entry or field; text inside code is no heading
 * or field. A section runs from a level-2 heading to the next heading of level 1 or 2; an entry
 * from a level-3 {@code ### ID: title} heading to the next heading of level 1 to 3 or thematic
 * break.
 */
final class Document {
  /** Blocks only: the worker reads the layout, and inline parsing was 9 of 10 parts of the time. */
  private static final Parser MARKDOWN =
      Parser.builder()
          .includeSourceSpans(IncludeSourceSpans.BLOCKS)
          .inlineParserFactory(context -> (lines, block) -> {})
          .build();

  private static final Pattern HEADING =
      Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");
  private static final Pattern BREAK =
      Pattern.compile("^ {0,3}(?:(?:\\*[ \\t]*){3,}|(?:-[ \\t]*){3,}|(?:_[ \\t]*){3,})$");
  private static final Pattern ID_HEADING =
      Pattern.compile("^([A-Za-z][\\w.-]*-\\d+)(?![\\w-])\\s*(?:[:—–-]\\s*)?(.*)$");
  private static final Pattern FIELD =
      Pattern.compile("^( *)([-*+][ \\t]+)?\\*\\*([^*]+?)(\\*\\*[ \\t]*:|:\\*\\*)[ \\t]?(.*)$");
  private static final Pattern LIST_MARKER =
      Pattern.compile("^(?:[-*+]|\\d{1,9}[.)])(?:[ \\t]+|$)");
  private static final Pattern PLACEHOLDER =
      Pattern.compile(
          "^[_*]*\\(?\\s*please add your response here\\.?\\s*\\)?[_*]*$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern ANY_WORKER_ID =
      Pattern.compile(EntryText.WORKER_PREFIX + "(\\d+)", Pattern.CASE_INSENSITIVE);

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
    CODE,
    HTML
  }

  /** A level-2 (or level-1, as {@link Section#OTHER}) heading and the lines up to the next one. */
  record SectionBlock(Section section, int heading, int end) {}

  /**
   * A top-level fenced code or HTML block, and what to tell a human when it takes in an entry the
   * worker writes after it (then it does not end where it should).
   */
  record Literal(int first, int last, String reason) {}

  /**
   * A {@code **Name**: value} line of an entry: the value as on the line (stripped), where it
   * starts in the line, the lines under it ({@code last} is the last non-blank one), and how the
   * line writes a field.
   */
  record Field(
      String name,
      String value,
      int line,
      int valueColumn,
      int last,
      List<String> under,
      EntryText.Style style) {
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
      Optional<EntryText.Mark> mark,
      HumanResponse response) {
    EntryBlock {
      fields = List.copyOf(fields);
    }

    Optional<Field> field(String name) {
      return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst();
    }

    Optional<EntryRef> ref() {
      return mark.flatMap(EntryText.Mark::nonce).map(n -> new EntryRef(id, n));
    }

    /** The style of the entry's own fields, for the ones the worker adds to it. */
    EntryText.Style style() {
      return fields.isEmpty() ? EntryText.Style.LIST : fields.get(0).style();
    }

    Entry entry(boolean duplicated) {
      Map<String, String> values = new LinkedHashMap<>();
      for (Field f : fields) {
        values.putIfAbsent(f.name(), String.join("\n", words(f)));
      }
      return new Entry(
          id,
          title,
          section,
          values,
          response,
          ref(),
          mark.flatMap(EntryText.Mark::key),
          duplicated,
          heading + 1);
    }
  }

  /** A fenced code block anywhere in the file, nested or not. */
  private record Fence(String info, String content, int first, int last, boolean closed) {}

  final String text;
  final String eol;
  final List<Line> lines;
  final List<Kind> kinds;
  final List<SectionBlock> sections;
  final List<EntryBlock> entries;
  private final Map<Integer, Heading> headings = new LinkedHashMap<>();
  private final List<Fence> fences = new ArrayList<>();
  private final List<Literal> literal = new ArrayList<>();
  private final Map<String, Integer> idCounts = new HashMap<>();

  private Document(String text) {
    this.text = text;
    this.lines = split(text);
    this.eol = firstLineEnding();
    this.kinds = classify();
    this.sections = findSections();
    this.entries = findEntries();
    entries.forEach(e -> idCounts.merge(EntryText.sameness(e.id()), 1, Integer::sum));
  }

  static Document parse(String text) {
    return new Document(text);
  }

  String content(int line) {
    Line l = lines.get(line);
    String s = text.substring(l.start(), l.contentEnd());
    return line == 0 && s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  List<Entry> entryValues() {
    return entries.stream().map(this::entry).toList();
  }

  Entry entry(EntryBlock block) {
    return block.entry(idCounts.getOrDefault(EntryText.sameness(block.id()), 0) > 1);
  }

  /** Every entry with this id, ids compared as {@link EntryText#sameness} says. */
  List<EntryBlock> withId(String id) {
    String same = EntryText.sameness(id);
    return entries.stream().filter(e -> EntryText.sameness(e.id()).equals(same)).toList();
  }

  /**
   * The next worker id: one above the highest HITL number anywhere in the text (comments, code and
   * prose included), three digits or more.
   */
  String nextId() {
    long max = 0;
    Matcher m = ANY_WORKER_ID.matcher(text);
    while (m.find()) {
      String digits = m.group(1).replaceFirst("^0+(?=\\d)", "");
      if (digits.length() < 18) {
        max = Math.max(max, Long.parseLong(digits));
      }
    }
    return String.format("%s%03d", EntryText.WORKER_PREFIX, max + 1);
  }

  /**
   * The style new entries take: the team's {@code **Name:** value} lines when most field lines of
   * the others' entries are written so, else the worker's list items.
   */
  EntryText.Style style() {
    int team = 0;
    int list = 0;
    for (EntryBlock e : othersEntries()) {
      for (Field f : e.fields()) {
        if (f.style().equals(EntryText.Style.TEAM)) {
          team++;
        } else if (f.style().listItem()) {
          list++;
        }
      }
    }
    return team > list ? EntryText.Style.TEAM : EntryText.Style.LIST;
  }

  /**
   * Whether the file ends each entry with a thematic break of its own: more of the others' entries
   * do so (a break followed by anything but a section heading) than follow one another without one.
   * The worker's own entries have no vote, so that what it wrote never changes how it cuts.
   */
  boolean separated() {
    int yes = 0;
    int no = 0;
    for (EntryBlock e : othersEntries()) {
      if (e.end() >= lines.size()) {
        continue;
      }
      if (kinds.get(e.end()) == Kind.BREAK) {
        int next = nextNonBlank(e.end() + 1);
        boolean section =
            next < lines.size() && kinds.get(next) == Kind.HEADING && level(next) <= 2;
        yes += section ? 0 : 1;
      } else if (kinds.get(e.end()) == Kind.HEADING && level(e.end()) == 3) {
        no++;
      }
    }
    return yes > no;
  }

  /** Entries without a devops-worker comment line: how the file's other authors write. */
  private List<EntryBlock> othersEntries() {
    return entries.stream().filter(e -> e.mark().isEmpty()).toList();
  }

  /** The top-level fenced code or HTML block {@code line} is part of, if any. */
  Optional<Literal> literalAt(int line) {
    return literal.stream().filter(o -> o.first() <= line && line <= o.last()).findFirst();
  }

  /**
   * Inserts {@code block} (lines without endings) after the last line of the first {@code section}
   * that is not blank (nor a thematic break, unless entries end in one of their own), one blank
   * line before it and, when {@code separated}, a thematic break after it; appends the section at
   * the end of the file when there is none.
   */
  Edit appendTo(Section section, List<String> block, boolean separated) {
    Optional<SectionBlock> found =
        sections.stream().filter(s -> s.section() == section).findFirst();
    List<String> body = new ArrayList<>(block);
    if (separated) {
      body.add("");
      body.add("---");
    }
    if (found.isEmpty()) {
      return appendSection(section, body);
    }
    int last = found.get().heading();
    for (int i = found.get().end() - 1; i > last; i--) {
      if (kinds.get(i) != Kind.BLANK && (separated || kinds.get(i) != Kind.BREAK)) {
        last = i;
        break;
      }
    }
    Line after = lines.get(last);
    if (!after.hasEol()) {
      // The file ends here without a line ending: it keeps ending without one.
      return Edit.insert(after.end(), eol + eol + String.join(eol, body));
    }
    StringBuilder b = new StringBuilder(eol);
    body.forEach(line -> b.append(line).append(eol));
    if (last + 1 < lines.size() && kinds.get(last + 1) != Kind.BLANK) {
      b.append(eol);
    }
    return Edit.insert(after.end(), b.toString());
  }

  /**
   * Removes an entry's lines and the blank lines after it; with {@code separated}, also the
   * thematic break that ends it and the blank lines after that.
   */
  Edit cut(EntryBlock entry, boolean separated) {
    int end = entry.end();
    if (separated && end < lines.size() && kinds.get(end) == Kind.BREAK) {
      end = nextNonBlank(end + 1);
    }
    Line endLine = lines.get(end - 1);
    int from = lines.get(entry.heading()).start();
    if (!endLine.hasEol()) {
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
    return new Edit(from, endLine.end(), "");
  }

  /** The 0-based line {@code offset} (a character index into the text) lies on. */
  int lineAt(int offset) {
    int low = 0;
    int high = lines.size() - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (lines.get(mid).start() <= offset) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
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
      if (breaksBeforeSections() && (last < 0 || kinds.get(last) != Kind.BREAK)) {
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
  private boolean breaksBeforeSections() {
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

  private int nextNonBlank(int from) {
    int p = from;
    while (p < lines.size() && kinds.get(p) == Kind.BLANK) {
      p++;
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

  /** Each line's kind, as CommonMark sees the file. */
  private List<Kind> classify() {
    Kind[] kind = new Kind[lines.size()];
    for (int i = 0; i < kind.length; i++) {
      kind[i] = blank(content(i)) ? Kind.BLANK : Kind.TEXT;
    }
    Node document = MARKDOWN.parse(markdownInput());
    for (Node top = document.getFirstChild(); top != null; top = top.getNext()) {
      topLevel(top, kind);
    }
    literals(document, kind);
    return List.of(kind);
  }

  /**
   * The text CommonMark reads: without the byte order mark, and with a carriage return that ends no
   * line read as a blank, so that its lines are this document's lines.
   */
  private String markdownInput() {
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    return body.replaceAll("\r(?!\n)", " ");
  }

  private void topLevel(Node node, Kind[] kind) {
    int[] range = range(node);
    if (range == null) {
      return;
    }
    if (node instanceof org.commonmark.node.Heading) {
      if (range[0] == range[1]) {
        Matcher h = HEADING.matcher(content(range[0]));
        if (h.matches()) {
          String t = h.group(2);
          headings.put(range[0], new Heading(h.group(1).length(), t == null ? "" : t.strip()));
          kind[range[0]] = Kind.HEADING;
        }
      } else if (BREAK.matcher(content(range[1])).matches()) {
        kind[range[1]] = Kind.BREAK; // a setext underline of dashes: a break, as it always was here
      }
    } else if (node instanceof ThematicBreak) {
      kind[range[0]] = Kind.BREAK;
    } else if (node instanceof FencedCodeBlock fence) {
      literal.add(
          new Literal(
              range[0],
              range[1],
              "a "
                  + fence.getFenceCharacter().repeat(fence.getOpeningFenceLength())
                  + " code block opened here is never closed; close it so new requests can be"
                  + " added"));
    } else if (node instanceof HtmlBlock html) {
      boolean comment =
          html.getLiteral() != null && html.getLiteral().stripLeading().startsWith("<!--");
      literal.add(
          new Literal(
              range[0],
              range[1],
              comment
                  ? "an HTML comment opened here is never closed; end it with --> so new requests"
                      + " can be added"
                  : "an HTML block opened here is never closed; close it so new requests can be"
                      + " added"));
    }
  }

  /** Code and HTML at any depth: their lines are no heading, break or field. */
  private void literals(Node node, Kind[] kind) {
    for (Node n = node.getFirstChild(); n != null; n = n.getNext()) {
      int[] range = range(n);
      if (range != null && (n instanceof FencedCodeBlock || n instanceof IndentedCodeBlock)) {
        mark(kind, range, Kind.CODE);
        if (n instanceof FencedCodeBlock f) {
          fences.add(
              new Fence(
                  f.getInfo() == null ? "" : f.getInfo().strip(),
                  f.getLiteral() == null ? "" : f.getLiteral(),
                  range[0],
                  range[1],
                  f.getClosingFenceLength() != null));
        }
      } else if (range != null && n instanceof HtmlBlock) {
        mark(kind, range, Kind.HTML);
      } else {
        literals(n, kind);
      }
    }
  }

  private void mark(Kind[] kind, int[] range, Kind as) {
    for (int i = range[0]; i <= range[1] && i < kind.length; i++) {
      kind[i] = as;
    }
  }

  /** The first and last line a block's source spans cover, or null. */
  private int[] range(Node node) {
    List<SourceSpan> spans = node.getSourceSpans();
    if (spans.isEmpty()) {
      return null;
    }
    int first = Integer.MAX_VALUE;
    int last = -1;
    for (SourceSpan s : spans) {
      first = Math.min(first, s.getLineIndex());
      last = Math.max(last, s.getLineIndex());
    }
    return first < lines.size() ? new int[] {first, Math.min(last, lines.size() - 1)} : null;
  }

  private static boolean blank(String line) {
    return line.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\r');
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
    int first = nextNonBlank(heading + 1);
    Optional<EntryText.Mark> mark =
        first <= last && kinds.get(first) == Kind.HTML
            ? EntryText.mark(content(first), id)
            : Optional.empty();
    List<Field> fields = new ArrayList<>();
    FieldReader reader = null;
    for (int i = heading + 1; i <= last; i++) {
      if (kinds.get(i) == Kind.HTML) {
        continue; // hidden from a reader of the rendered file, so from the worker too
      }
      String line = content(i);
      Matcher f = kinds.get(i) == Kind.TEXT ? FIELD.matcher(line) : null;
      if (f != null && f.matches() && (reader == null || f.group(1).length() <= reader.indent)) {
        if (reader != null) {
          fields.add(reader.field());
        }
        reader = new FieldReader(f, i);
      } else if (reader != null) {
        reader.add(line, i);
      }
    }
    if (reader != null) {
      fields.add(reader.field());
    }
    HumanResponse response =
        fields.stream()
            .filter(f -> f.name().equalsIgnoreCase(EntryText.HUMAN_RESPONSE))
            .findFirst()
            .map(this::response)
            .orElse(HumanResponse.NONE);
    return new EntryBlock(id, title, section, heading, last, end, fields, mark, response);
  }

  /** Collects one field's line and the lines under it. */
  private static final class FieldReader {
    final int indent;
    final String name;
    final String value;
    final int line;
    final int column;
    final EntryText.Style style;
    final List<String> under = new ArrayList<>();
    int last;

    FieldReader(Matcher f, int line) {
      this.indent = f.group(1).length();
      this.name = f.group(3).strip();
      this.value = f.group(5).strip();
      this.line = line;
      this.last = line;
      this.column = f.start(5);
      this.style = new EntryText.Style(f.group(2) != null, f.group(4).startsWith(":"));
    }

    void add(String text, int at) {
      under.add(text);
      if (!text.isBlank()) {
        last = at;
      }
    }

    Field field() {
      int n = under.size();
      while (n > 0 && under.get(n - 1).isBlank()) {
        n--;
      }
      return new Field(name, value, line, column, last, under.subList(0, n), style);
    }
  }

  /** The field's value and lines without the placeholder, and the closed fences among them. */
  private HumanResponse response(Field f) {
    List<String> all = new ArrayList<>();
    if (!f.value().isEmpty()) {
      all.add(f.value());
    }
    all.addAll(f.under());
    List<String> kept = new ArrayList<>();
    for (String line : all) {
      String w = LIST_MARKER.matcher(line.strip()).replaceFirst("").strip();
      if (!PLACEHOLDER.matcher(w).matches()) {
        kept.add(line);
      }
    }
    int from = 0;
    while (from < kept.size() && kept.get(from).isBlank()) {
      from++;
    }
    int to = kept.size();
    while (to > from && kept.get(to - 1).isBlank()) {
      to--;
    }
    List<HumanResponse.Block> blocks = new ArrayList<>();
    for (Fence fence : fences) {
      if (fence.closed() && fence.first() > f.line() && fence.last() <= f.last()) {
        blocks.add(new HumanResponse.Block(fence.info(), fence.content(), fence.first() + 1));
      }
    }
    return new HumanResponse(kept.subList(from, to), blocks);
  }

  /** A field's words: the value and the lines under it without list markers, blanks dropped. */
  private static List<String> words(Field f) {
    List<String> words = new ArrayList<>();
    List<String> all = new ArrayList<>();
    all.add(f.value());
    all.addAll(f.under());
    for (String line : all) {
      String w = LIST_MARKER.matcher(line.strip()).replaceFirst("").strip();
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words;
  }
}

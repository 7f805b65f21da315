package dev.taskboard.devops.runbook;

import dev.taskboard.devops.files.RegularFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/** Reads one runbook file: its {@code ## defaults} and its task sections, not yet merged. */
final class RunbookParser {
  static final Set<String> INTERPRETERS = Set.of("sh", "bash", "python3", "node", "perl");
  static final String INTERPRETER_LIST = "sh, bash, python3, node or perl";
  private static final Set<String> DOCUMENTATION =
      Set.of("", "text", "console", "json", "shell-session");
  private static final Pattern TASK_TYPE =
      Pattern.compile("(deployment|infrastructure)_[a-z0-9_]+|monitoring_setup");
  private static final String DEFAULTS = "defaults";
  private static final String GATES = "gates";

  /** A runbook is text a person writes; anything larger is a mistake or an attack. */
  static final long MAX_BYTES = 4L * 1024 * 1024;

  private static final Parser MARKDOWN =
      Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS).build();

  private final SourceText source;
  private final List<Draft> sections = new ArrayList<>();
  private Draft defaults;
  private Draft current;
  private Phase phase;
  private GateSettings gates;
  private boolean inGates;

  private RunbookParser(SourceText source) {
    this.source = source;
  }

  /** One section as written, before inheritance. */
  static final class Draft {
    final String name;
    final int line;
    final int column;
    final SettingsLayer settings = new SettingsLayer();
    final Map<Phase, List<Step>> steps = new EnumMap<>(Phase.class);
    final Map<Phase, Integer> phaseLines = new EnumMap<>(Phase.class);

    Draft(String name, int line, int column) {
      this.name = name;
      this.line = line;
      this.column = column;
    }

    Section toSection(Path file, Settings inherited, Path dir) {
      return new Section(name, file, line, settings.over(inherited, dir), steps);
    }
  }

  /** What one file holds, and the bytes it was parsed from. */
  record Parsed(
      Path file, SettingsLayer defaults, List<Draft> sections, GateSettings gates, byte[] bytes) {}

  /**
   * Reads {@code file} as a regular file only: a FIFO or a device named as the runbook is refused
   * instead of hanging the worker or filling its memory.
   */
  static Parsed parse(Path file) throws IOException {
    byte[] bytes = read(file);
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new RunbookException(file, "is not UTF-8 text; save it as UTF-8");
    }
    // A byte order mark would hide a heading on the first line.
    return parse(file, text.startsWith("\uFEFF") ? text.substring(1) : text, bytes);
  }

  private static byte[] read(Path file) throws IOException {
    try {
      return RegularFile.read(file, MAX_BYTES, true);
    } catch (NoSuchFileException e) {
      throw new RunbookException(file, "does not exist; create it or run 'devops-worker init'");
    } catch (AccessDeniedException e) {
      throw new RunbookException(
          file, "cannot be read (permission denied); check its owner and mode");
    } catch (FileSystemException e) {
      if (e.getReason() == null) {
        throw e;
      }
      throw new RunbookException(file, e.getReason());
    }
  }

  private static Parsed parse(Path file, String text, byte[] bytes) throws RunbookException {
    RunbookParser parser = new RunbookParser(new SourceText(file, text));
    for (Node node : blocksOf(MARKDOWN.parse(text))) {
      if (node instanceof Heading h) {
        parser.heading(h);
      } else {
        parser.codeBlock((FencedCodeBlock) node);
      }
    }
    parser.finish();
    SettingsLayer defaults =
        parser.defaults == null ? new SettingsLayer() : parser.defaults.settings;
    GateSettings gates = parser.gates == null ? GateSettings.defaults() : parser.gates;
    return new Parsed(file, defaults, List.copyOf(parser.sections), gates, bytes);
  }

  /** Headings and fenced code blocks in document order, wherever they are nested. */
  private static List<Node> blocksOf(Node document) {
    List<Node> blocks = new ArrayList<>();
    document.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Heading heading) {
            blocks.add(heading);
          }

          @Override
          public void visit(FencedCodeBlock block) {
            blocks.add(block);
          }
        });
    return blocks;
  }

  private void heading(Heading h) throws RunbookException {
    int lineIndex = lineIndex(h);
    String title = textOf(h);
    if (h.getLevel() <= 2) {
      inGates = false;
    }
    if (h.getLevel() == 1) {
      current = null;
      phase = null;
    } else if (h.getLevel() == 2) {
      section(title, lineIndex);
    } else if (h.getLevel() == 3 && current != null) {
      phase(title, lineIndex);
    }
  }

  private void section(String title, int lineIndex) throws RunbookException {
    phase = null;
    int column = source.firstColumn(lineIndex);
    if (title.equals(DEFAULTS)) {
      if (defaults != null) {
        throw source.error(
            lineIndex,
            column,
            "## defaults is already defined at line " + defaults.line + "; merge the two");
      }
      defaults = new Draft(DEFAULTS, lineIndex + 1, column);
      current = defaults;
    } else if (title.equals(GATES)) {
      if (gates != null) {
        throw source.error(lineIndex, column, "## gates is already defined; merge the two");
      }
      gates = GateSettings.defaults();
      inGates = true;
      current = null;
    } else if (TASK_TYPE.matcher(title).matches()) {
      current = new Draft(title, lineIndex + 1, column);
      sections.add(current);
    } else {
      String first = title.split("\\s+", 2)[0];
      if (TASK_TYPE.matcher(first).matches()) {
        throw source.error(
            lineIndex,
            column,
            "a section heading is the task type alone; write '## "
                + first
                + "' and describe it in a paragraph below");
      }
      current = null;
    }
  }

  private void phase(String title, int lineIndex) throws RunbookException {
    phase = Phase.of(title).orElse(null);
    if (phase == null) {
      return;
    }
    if (current == defaults) {
      throw source.error(
          lineIndex,
          source.firstColumn(lineIndex),
          "## defaults holds settings only; move ### "
              + title
              + " into the section of a task type");
    }
    Integer earlier = current.phaseLines.putIfAbsent(phase, lineIndex + 1);
    if (earlier != null) {
      throw source.error(
          lineIndex,
          source.firstColumn(lineIndex),
          "phase "
              + phase.wireName()
              + " of "
              + current.name
              + " is already opened at line "
              + earlier
              + "; put all its blocks under one heading");
    }
  }

  private void codeBlock(FencedCodeBlock block) throws RunbookException {
    String info = block.getInfo() == null ? "" : block.getInfo().strip();
    String language = info.split("\\s+", 2)[0];
    int lineIndex = lineIndex(block);
    if (inGates) {
      if (language.equals("settings")) {
        gates.read(source, lineIndex + 1, literalOf(block));
      } else if (INTERPRETERS.contains(language)) {
        throw source.error(
            lineIndex,
            infoColumn(block, lineIndex),
            "## gates holds settings only; move this block into a task section");
      }
      return;
    }
    if (current == null) {
      return;
    }
    if (DOCUMENTATION.contains(language)) {
      return;
    }
    if (language.equals("settings")) {
      current.settings.read(source, lineIndex + 1, literalOf(block));
      return;
    }
    int column = infoColumn(block, lineIndex);
    if (!INTERPRETERS.contains(language)) {
      throw source.error(
          lineIndex,
          column,
          "unknown interpreter '"
              + language
              + "'; write "
              + INTERPRETER_LIST
              + " (or text for a block that only documents)");
    }
    if (current == defaults) {
      throw source.error(
          lineIndex,
          column,
          "## defaults holds settings only; move this " + language + " block into a task section");
    }
    if (phase == null) {
      throw source.error(
          lineIndex,
          column,
          "a "
              + language
              + " block in "
              + current.name
              + " outside a phase; put it under ### pre, ### deploy, ### verify or ### rollback,"
              + " or write text instead of "
              + language
              + " if it only documents");
    }
    List<Step> steps = current.steps.computeIfAbsent(phase, p -> new ArrayList<>());
    steps.add(
        new Step(
            phase, steps.size() + 1, language, literalOf(block), source.file(), lineIndex + 1));
  }

  private void finish() throws RunbookException {
    for (Draft d : sections) {
      for (Map.Entry<Phase, Integer> opened : d.phaseLines.entrySet()) {
        if (!d.steps.containsKey(opened.getKey())) {
          int lineIndex = opened.getValue() - 1;
          throw source.error(
              lineIndex,
              source.firstColumn(lineIndex),
              "phase "
                  + opened.getKey().wireName()
                  + " of "
                  + d.name
                  + " has no step; add a fenced block (```sh) under it or remove the heading");
        }
      }
      if (d.steps.isEmpty()) {
        throw source.error(
            d.line - 1,
            d.column,
            "section "
                + d.name
                + " has no steps; add a ### deploy heading with a fenced ```sh block under it");
      }
    }
  }

  private static String literalOf(FencedCodeBlock block) {
    String literal = block.getLiteral() == null ? "" : block.getLiteral();
    return literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
  }

  private int infoColumn(FencedCodeBlock block, int lineIndex) {
    String raw = source.line(lineIndex);
    String fence = block.getFenceCharacter().repeat(block.getOpeningFenceLength());
    int i = raw.indexOf(fence);
    if (i < 0) {
      return source.firstColumn(lineIndex);
    }
    i += fence.length();
    while (i < raw.length() && Character.isWhitespace(raw.charAt(i))) {
      i++;
    }
    return i + 1;
  }

  private static int lineIndex(Node node) {
    List<SourceSpan> spans = node.getSourceSpans();
    return spans.isEmpty() ? 0 : spans.get(0).getLineIndex();
  }

  /**
   * A heading's text with inline code unwrapped: {@code ## `deployment_staging`} reads as the name.
   */
  private static String textOf(Heading h) {
    StringBuilder text = new StringBuilder();
    h.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Text t) {
            text.append(t.getLiteral());
          }

          @Override
          public void visit(Code c) {
            text.append(c.getLiteral());
          }
        });
    return text.toString().strip();
  }
}

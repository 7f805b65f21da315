package dev.taskboard.devops.hitl;

import dev.taskboard.devops.task.Agents;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The worker's way of writing entries and fields: one line per value, in the file's style. */
final class EntryText {
  static final String WORKER = Agents.DEVOPS_ENGINEER;
  static final String SUBMITTED_BY = "Submitted By";
  static final String STATUS = "Status";
  static final String HUMAN_RESPONSE = "Human Response";
  static final String ACTIONS_TAKEN = "Actions Taken";
  static final String RESOLVED_DATE = "Resolved Date";
  static final String WORKER_NOTE = "Worker Note";
  static final String PLACEHOLDER = "_(Please add your response here)_";
  static final String WORKER_PREFIX = "HITL-";

  /** 128 bits: no agent guesses the nonce of an entry the worker has not written yet. */
  static final int NONCE_BYTES = 16;

  static final Pattern NONCE = Pattern.compile("[0-9a-f]{32,128}");

  /** A line break of any kind (markdown's, and the ones an editor may show as one) and around. */
  private static final Pattern BREAK =
      Pattern.compile("\\s*[\\r\\n\\u000B\\u000C\\u0085\\u2028\\u2029]\\s*");

  private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\t]]");
  private static final Pattern MARK =
      Pattern.compile(
          "^ {0,3}<!--[ \\t]*devops-worker[ \\t]+entry=\"([A-Za-z0-9._-]{1,64})\"[ \\t]+"
              + "nonce=\"([0-9a-f]{32,128})\"(?:[ \\t]+key=\"([^\"<>]*)\")?[ \\t]*-->[ \\t]*$");
  private static final Pattern OLD_KEY_LINE =
      Pattern.compile("^\\s*<!--\\s*devops-worker\\s+key=\"([^\"]*)\"\\s*-->\\s*$");
  private static final Pattern NUMBERED_ID = Pattern.compile("^(.*-)0*(\\d+)$");

  /**
   * How an entry writes its fields: {@code - **Name**: value} (the worker's default) or the team's
   * {@code **Name:** value} lines, which it keeps apart with blank lines.
   */
  record Style(boolean listItem, boolean colonInside) {
    static final Style LIST = new Style(true, false);
    static final Style TEAM = new Style(false, true);

    String field(String name, String value) {
      String folded = fold(value);
      String bold = colonInside ? "**" + name + ":**" : "**" + name + "**:";
      return (listItem ? "- " : "") + bold + (folded.isEmpty() ? "" : " " + folded);
    }

    /** Whether groups of fields are set apart by blank lines (the team's paragraphs). */
    boolean paragraphs() {
      return !listItem;
    }
  }

  /** What the worker's comment line under a heading says: its nonce, and the key as a label. */
  record Mark(Optional<String> nonce, Optional<String> key) {}

  private EntryText() {}

  /** The lines of a new entry, without line endings. */
  static List<String> lines(String id, String nonce, Escalation e, Style style) {
    String taskId = fold(e.taskId());
    String title = fold(e.title());
    if (!taskId.isEmpty() && !title.contains(taskId)) {
      title += " (" + taskId + ")";
    }
    List<String> lines = new ArrayList<>();
    lines.add("### " + id + ": " + title);
    lines.add(markLine(id, nonce, e.key()));
    lines.add(style.field("Type", e.type()));
    lines.add(style.field("Priority", e.priority().wireName()));
    lines.add(style.field(SUBMITTED_BY, WORKER));
    if (!taskId.isEmpty()) {
      lines.add(style.field("Task ID", taskId));
    }
    gap(lines, style);
    lines.add(style.field("Question", e.question()));
    List<String> context =
        e.context().stream().map(EntryText::fold).filter(s -> !s.isEmpty()).toList();
    if (!context.isEmpty()) {
      gap(lines, style);
      lines.add(style.field("Context", ""));
      // Indented in both styles, so that no item can pass for a field of the entry; a leading <
      // escaped, so that no item opens an HTML block the rendered file would hide.
      context.forEach(item -> lines.add("  - " + (item.startsWith("<") ? "\\" : "") + item));
    }
    gap(lines, style);
    lines.add(style.field(STATUS, "Pending"));
    gap(lines, style);
    lines.add(style.field(HUMAN_RESPONSE, ""));
    lines.add((style.listItem() ? "  - " : "") + PLACEHOLDER);
    return lines;
  }

  private static void gap(List<String> lines, Style style) {
    if (style.paragraphs()) {
      lines.add("");
    }
  }

  /** One line: line breaks and the blanks around them become one space, control characters too. */
  static String fold(String text) {
    String oneLine = BREAK.matcher(text).replaceAll(" ");
    return CONTROL.matcher(oneLine).replaceAll(" ").strip();
  }

  static String newNonce(SecureRandom random) {
    byte[] bytes = new byte[NONCE_BYTES];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static String markLine(String id, String nonce, String key) {
    String escaped =
        key.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    return "<!-- devops-worker entry=\""
        + id
        + "\" nonce=\""
        + nonce
        + "\" key=\""
        + escaped
        + "\" -->";
  }

  /**
   * The mark of a line that is the worker's comment and nothing else. A nonce counts only under the
   * heading of the entry it names; the comment of older workers ({@code key="..."} alone) gives a
   * key and no nonce, so such entries are not the worker's.
   */
  static Optional<Mark> mark(String line, String headingId) {
    Matcher m = MARK.matcher(line);
    if (m.matches()) {
      Optional<String> key = Optional.ofNullable(m.group(3)).map(EntryText::unescape);
      Optional<String> nonce = Optional.of(m.group(2)).filter(n -> m.group(1).equals(headingId));
      return Optional.of(new Mark(nonce, key));
    }
    Matcher old = OLD_KEY_LINE.matcher(line);
    return old.matches()
        ? Optional.of(new Mark(Optional.empty(), Optional.of(unescape(old.group(1)))))
        : Optional.empty();
  }

  private static String unescape(String key) {
    return key.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  /**
   * The form two ids are compared in: {@code hitl-7}, {@code HITL-007} and {@code HITL-0007} are
   * the same request to a human reading the file, so they are to the worker.
   */
  static String sameness(String id) {
    String upper = id.toUpperCase(Locale.ROOT);
    Matcher m = NUMBERED_ID.matcher(upper);
    return m.matches() ? m.group(1) + m.group(2) : upper;
  }
}

package dev.taskboard.devops.hitl;

import dev.taskboard.devops.task.Agents;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The worker's way of writing entries and fields: one line per value, the team's field style. */
final class EntryText {
  static final String WORKER = Agents.DEVOPS_ENGINEER;
  static final String SUBMITTED_BY = "Submitted By";
  static final String STATUS = "Status";
  static final String HUMAN_RESPONSE = "Human Response";
  static final String ACTIONS_TAKEN = "Actions Taken";
  static final String RESOLVED_DATE = "Resolved Date";
  static final String WORKER_NOTE = "Worker Note";
  static final String PLACEHOLDER = "_(Please add your response here)_";

  /** A line break of any kind (markdown's, and the ones an editor may show as one) and around. */
  private static final Pattern BREAK =
      Pattern.compile("\\s*[\\r\\n\\u000B\\u000C\\u0085\\u2028\\u2029]\\s*");

  private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\t]]");
  private static final Pattern KEY_LINE =
      Pattern.compile("^\\s*<!--\\s*devops-worker\\s+key=\"([^\"]*)\"\\s*-->\\s*$");

  private EntryText() {}

  /** The lines of a new entry, without line endings. */
  static List<String> lines(String id, Escalation e) {
    String taskId = fold(e.taskId());
    String title = fold(e.title());
    if (!taskId.isEmpty() && !title.contains(taskId)) {
      title += " (" + taskId + ")";
    }
    List<String> lines = new ArrayList<>();
    lines.add("### " + id + ": " + title);
    lines.add(keyLine(e.key()));
    lines.add(field("Type", e.type()));
    lines.add(field("Priority", e.priority().wireName()));
    lines.add(field(SUBMITTED_BY, WORKER));
    if (!taskId.isEmpty()) {
      lines.add(field("Task ID", taskId));
    }
    lines.add(field("Question", e.question()));
    List<String> context =
        e.context().stream().map(EntryText::fold).filter(s -> !s.isEmpty()).toList();
    if (!context.isEmpty()) {
      lines.add(field("Context", ""));
      context.forEach(item -> lines.add("  - " + item));
    }
    lines.add(field(STATUS, "Pending"));
    lines.add(field(HUMAN_RESPONSE, ""));
    lines.add("  - " + PLACEHOLDER);
    return lines;
  }

  /** {@code - **Name**: value}, the value folded into one line. */
  static String field(String name, String value) {
    String folded = fold(value);
    return "- **" + name + "**:" + (folded.isEmpty() ? "" : " " + folded);
  }

  /** One line: line breaks and the blanks around them become one space, control characters too. */
  static String fold(String text) {
    String oneLine = BREAK.matcher(text).replaceAll(" ");
    return CONTROL.matcher(oneLine).replaceAll(" ").strip();
  }

  static String keyLine(String key) {
    String escaped =
        key.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    return "<!-- devops-worker key=\"" + escaped + "\" -->";
  }

  /** The key of a line that is the worker's key comment and nothing else. */
  static Optional<String> key(String line) {
    Matcher m = KEY_LINE.matcher(line);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        m.group(1)
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"));
  }
}

package dev.taskboard.devops.trust;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the one {@link SignedBlock} in a human's response and reads it strictly: exactly the
 * expected lines in order, each behind the same prefix as the opening fence (or that prefix with
 * its list marker blanked, as markdown continues a list item). Anything else is a one-line reason
 * with the line number in the text given.
 */
final class BlockReader {
  /** What a response holds: one block, none, or something that is not a valid block. */
  sealed interface Reading {}

  record Found(SignedBlock block) implements Reading {}

  record Absent() implements Reading {}

  record Malformed(String reason) implements Reading {}

  private static final Pattern OPENING =
      Pattern.compile("(" + SignedBlock.PREFIX.pattern() + ")" + SignedBlock.OPEN + "[ \\t]*");

  /** A prefix split into quote markers and indentation, list marker, and what follows it. */
  private static final Pattern MARKER =
      Pattern.compile("((?:[ \\t]*>)*[ \\t]*)([-*+]|[0-9]{1,9}[.)])?(.*)");

  private final List<String> lines;
  private int next;

  private BlockReader(String text) {
    this.lines = new ArrayList<>();
    // A final line feed ends the last line; it does not start an empty one.
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    for (String line : body.split("\n", -1)) {
      lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }
  }

  static Reading read(String text) {
    try {
      return new BlockReader(text).readAll();
    } catch (MalformedException e) {
      return new Malformed(e.getMessage());
    }
  }

  private Reading readAll() throws MalformedException {
    SignedBlock found = null;
    while (next < lines.size()) {
      String line = lines.get(next++);
      if (line.contains(SignedBlock.OPEN)) {
        Matcher m = OPENING.matcher(line);
        if (!m.matches()) {
          throw malformed(
              next, "the signature block must open with a line of its own: " + SignedBlock.OPEN);
        }
        if (found != null) {
          throw malformed(next, "a second signature block; keep only one");
        }
        found = readBlock(m.group(1));
      } else if (line.contains(SshSignature.BEGIN)) {
        throw malformed(next, "an SSH signature outside a " + SignedBlock.OPEN + " block");
      }
    }
    return found == null ? new Absent() : new Found(found);
  }

  private SignedBlock readBlock(String prefix) throws MalformedException {
    int opening = next;
    String used = prefixOf(prefix, blanked(prefix));
    String header = content(used);
    if (!header.equals(Statement.HEADER)) {
      throw expected(Statement.HEADER, header);
    }
    Subject.Kind kind = kind(value(used, "kind"));
    Map<String, String> values = new HashMap<>();
    for (String key : Statement.keys(kind).subList(1, Statement.keys(kind).size())) {
      values.put(key, checked(key, value(used, key)));
    }
    SshSignature signature = signature(used);
    String close = content(used);
    if (!close.equals(SignedBlock.CLOSE)) {
      throw expected(SignedBlock.CLOSE, close);
    }
    try {
      return new SignedBlock(statement(kind, values), signature.armored());
    } catch (IllegalArgumentException e) {
      throw malformed(opening, e.getMessage());
    }
  }

  /** The prefix the line after the opening fence uses: the fence's own, or its blanked form. */
  private String prefixOf(String prefix, String continued) throws MalformedException {
    String line = peek();
    if (line.startsWith(prefix)) {
      return prefix;
    }
    if (line.startsWith(continued)) {
      return continued;
    }
    throw malformed(next + 1, "the signature block's lines must start like its opening fence");
  }

  /** The next line without {@code prefix} and trailing blanks. */
  private String content(String prefix) throws MalformedException {
    String line = peek();
    next++;
    if (!line.startsWith(prefix)) {
      throw malformed(next, "the signature block's lines must start like its opening fence");
    }
    return line.substring(prefix.length()).stripTrailing();
  }

  private String peek() throws MalformedException {
    if (next >= lines.size()) {
      throw malformed(lines.size(), "the signature block is not closed with " + SignedBlock.CLOSE);
    }
    return lines.get(next);
  }

  private String value(String prefix, String key) throws MalformedException {
    String line = content(prefix);
    if (line.equals(key + ":")) {
      return "";
    }
    if (!line.startsWith(key + ": ")) {
      throw expected(key + ":", line);
    }
    return line.substring(key.length() + 2);
  }

  private Subject.Kind kind(String word) throws MalformedException {
    return Subject.Kind.fromWire(word)
        .orElseThrow(
            () -> malformed(next, "kind is not decision or runbook: " + Shown.quote(word)));
  }

  /** {@code value} if it is a valid {@code key}; the reason names this line otherwise. */
  private String checked(String key, String value) throws MalformedException {
    try {
      switch (key) {
        case "request", "task", "runbook" -> Values.id(key, value);
        case "environment", "release" -> Values.line(key, value);
        case "comment" -> Values.comment(value);
        case "decision" -> decision(value);
        default -> time(key, value);
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw malformed(next, e.getMessage());
    }
  }

  private static Decision decision(String word) {
    return Decision.fromWire(word)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "decision is not approve, reject or retry: " + Shown.quote(word)));
  }

  /** A time exactly as a statement writes it, so the block shows what was signed. */
  private static Instant time(String key, String value) {
    try {
      Instant time = Instant.parse(value);
      if (time.toString().equals(value)) {
        return time;
      }
    } catch (DateTimeException e) {
      // Reported below, with the form expected.
    }
    throw new IllegalArgumentException(
        key + " is not a UTC time to the second like 2026-12-02T10:15:30Z: " + Shown.quote(value));
  }

  private SshSignature signature(String prefix) throws MalformedException {
    String begin = content(prefix);
    if (!begin.equals(SshSignature.BEGIN)) {
      throw expected(SshSignature.BEGIN, begin);
    }
    int first = next + 1;
    List<String> body = new ArrayList<>();
    for (String line = content(prefix); !line.equals(SshSignature.END); line = content(prefix)) {
      if (body.size() == SshSignature.MAX_LINES) {
        throw malformed(next, "no " + SshSignature.END + " line after the signature");
      }
      body.add(line);
    }
    try {
      return SshSignature.fromBody(body);
    } catch (IllegalArgumentException e) {
      throw malformed(first, e.getMessage());
    }
  }

  private static Statement statement(Subject.Kind kind, Map<String, String> v) {
    Subject subject =
        kind == Subject.Kind.DECISION
            ? Subject.decision(
                v.get("request"),
                v.get("task"),
                v.get("environment"),
                v.get("release"),
                v.get("runbook"))
            : Subject.runbook(v.get("runbook"));
    return new Statement(
        subject,
        decision(v.get("decision")),
        v.get("comment"),
        Instant.parse(v.get("signed-at")),
        Instant.parse(v.get("expires")));
  }

  /** {@code prefix} with its list marker turned into spaces: how a list item's lines continue. */
  static String blanked(String prefix) {
    Matcher m = MARKER.matcher(prefix);
    if (!m.matches() || m.group(2) == null) {
      return prefix;
    }
    return m.group(1) + " ".repeat(m.group(2).length()) + m.group(3);
  }

  private MalformedException expected(String wanted, String found) {
    return malformed(next, "expected " + Shown.quote(wanted) + ", found " + Shown.quote(found));
  }

  private static MalformedException malformed(int lineNumber, String reason) {
    return new MalformedException("line " + lineNumber + ": " + reason);
  }

  /** Ends the reading with its reason; never leaves this class. */
  private static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message, null, false, false);
    }
  }
}

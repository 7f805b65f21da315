package dev.taskboard.devops.trust;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A signed statement as it sits in human-requests.md: a fenced code block with the info string
 * {@code devops-worker-signature} holding the statement's lines, then the armored SSH signature.
 *
 * <p>A fence keeps markdown from reflowing the lines, renders as code, and can sit indented inside
 * the Human Response list item. The worker reads the statement lines only to say what differs from
 * its own records; the bytes it verifies are always rebuilt from those records.
 */
public record SignedBlock(Statement statement, String armoredSignature) {
  /** The opening fence; the closing fence is {@link #CLOSE}. */
  static final String OPEN = "```devops-worker-signature";

  static final String CLOSE = "```";

  /** What may precede every line of a block: indentation, quote markers, one list marker. */
  static final Pattern PREFIX =
      Pattern.compile("(?:[ \\t]*>)*[ \\t]*(?:(?:[-*+]|[0-9]{1,9}[.)])[ \\t]+)?");

  public SignedBlock {
    Objects.requireNonNull(statement, "statement == null");
    Objects.requireNonNull(armoredSignature, "armoredSignature == null");
    armoredSignature = SshSignature.fromArmored(armoredSignature).armored();
  }

  /**
   * The block's lines, each preceded by {@code prefix} (e.g. two spaces to sit inside a list item)
   * and ended by a line feed.
   */
  public String toMarkdown(String prefix) {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("prefix is not indentation or a list marker");
    }
    StringBuilder out = new StringBuilder();
    for (String line : lines()) {
      out.append(prefix).append(line).append('\n');
    }
    return out.toString();
  }

  /** The fence, the statement, the signature and the closing fence, without prefix. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(OPEN);
    lines.addAll(statement.lines());
    lines.addAll(armoredSignature.lines().toList());
    lines.add(CLOSE);
    return lines;
  }

  SshSignature signature() {
    return SshSignature.fromArmored(armoredSignature);
  }
}

package dev.taskboard.devops.hitl;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What stands under an entry's Human Response as written: its lines without the placeholder (and
 * without HTML comments, which a reader of the rendered file does not see), and the fenced code
 * blocks among them, e.g. a signed decision.
 *
 * @param lines the value after the field name when there is one, then the lines under the field, as
 *     they are in the file (list markers and indentation kept); no leading or trailing blank line
 * @param blocks every fenced code block in those lines that is closed, in file order
 */
public record HumanResponse(List<String> lines, List<Block> blocks) {
  private static final Pattern LIST_MARKER =
      Pattern.compile("^(?:[-*+]|\\d{1,9}[.)])(?:[ \\t]+|$)");

  /** No response: the field is missing or holds only the placeholder. */
  public static final HumanResponse NONE = new HumanResponse(List.of(), List.of());

  /**
   * A fenced code block of the response.
   *
   * @param info the fence's info string, stripped
   * @param content the lines between the fences, indentation of the fence removed, each ending in a
   *     newline
   * @param line 1-based line of the opening fence
   */
  public record Block(String info, String content, int line) {
    public Block {
      Objects.requireNonNull(info, "info == null");
      Objects.requireNonNull(content, "content == null");
    }
  }

  public HumanResponse {
    lines = List.copyOf(lines);
    blocks = List.copyOf(blocks);
  }

  public boolean isEmpty() {
    return lines.isEmpty();
  }

  /** The lines joined with newlines; what {@link Decision#parse} reads. */
  public String text() {
    return String.join("\n", lines);
  }

  /** The decision of a plain one-word answer; {@link Decision#UNCLEAR} for anything else. */
  public Decision decision() {
    return Decision.parse(text());
  }

  /**
   * The contents of the blocks whose info string is {@code info} (its first word, exactly), e.g.
   * {@code devops-worker-signature}.
   */
  public List<String> blocks(String info) {
    Objects.requireNonNull(info, "info == null");
    return blocks.stream()
        .filter(b -> b.info().split("[ \\t]+", 2)[0].equals(info))
        .map(Block::content)
        .toList();
  }

  /** The lines' words: list markers and blank lines dropped, lines joined with newlines. */
  String words() {
    return String.join(
        "\n",
        lines.stream()
            .map(l -> LIST_MARKER.matcher(l.strip()).replaceFirst("").strip())
            .filter(w -> !w.isEmpty())
            .toList());
  }
}

package dev.taskboard.devops.validate;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.taskboard.devops.files.AtomicFiles;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code init --agents} adds for the team's agents: the MCP server in {@code .mcp.json} and a
 * section in {@code AGENTS.md}. Both files belong to the project's people, so nothing in them is
 * rewritten: an entry is inserted into the text as it is, or the file is left alone and the line
 * says why.
 */
final class AgentSetup {
  static final String SERVER = "devops-worker";
  static final String MCP_JSON = ".mcp.json";
  static final String AGENTS_MD = "AGENTS.md";
  private static final Pattern OUR_HEADING =
      Pattern.compile("(?im)^#{1,6}[ \\t].*\\bdevops-worker\\b");

  private AgentSetup() {}

  /** Adds the server to {@code .mcp.json}; one line saying what it did. */
  static String mcpJson(Path dir, String launcher, Path board) throws IOException {
    Path file = dir.resolve(MCP_JSON);
    List<String> args = List.of("mcp", "--board", board.toString());
    if (!Files.exists(file)) {
      String text = "{\n  \"mcpServers\": {\n    " + entry(launcher, args, "    ") + "\n  }\n}\n";
      return createOrKeep(file, text, MCP_JSON);
    }
    String text = Files.readString(file, UTF_8);
    Optional<String> merged;
    try {
      merged = withServer(text, entry(launcher, args, ""));
    } catch (NotMergeable e) {
      return "kept "
          + MCP_JSON
          + " ("
          + e.getMessage()
          + "; add the "
          + SERVER
          + " server yourself)";
    }
    if (merged.isEmpty()) {
      return "kept " + MCP_JSON + " (it has a " + SERVER + " server)";
    }
    replace(file, merged.get());
    return "added the " + SERVER + " server to " + MCP_JSON;
  }

  /** Adds the agents' section to {@code AGENTS.md}; one line saying what it did. */
  static String agentsMd(Path dir, String launcher) throws IOException {
    Path file = dir.resolve(AGENTS_MD);
    if (!Files.exists(file)) {
      return createOrKeep(file, section(launcher, "\n"), AGENTS_MD);
    }
    String text = Files.readString(file, UTF_8);
    if (OUR_HEADING.matcher(text).find()) {
      return "kept " + AGENTS_MD + " (it has a " + SERVER + " section)";
    }
    String eol = text.contains("\r\n") ? "\r\n" : "\n";
    String gap = text.isEmpty() ? "" : text.endsWith("\n") ? eol : eol + eol;
    replace(file, text + gap + section(launcher, eol));
    return "added a " + SERVER + " section to " + AGENTS_MD;
  }

  /** Why a {@code .mcp.json} is left as it is. */
  static final class NotMergeable extends Exception {
    private static final long serialVersionUID = 1L;

    NotMergeable(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * {@code text} with {@code entry} inserted as the last member of its top-level {@code mcpServers}
   * object (or of the top-level object, inside a new {@code mcpServers}); none when the server is
   * there already.
   *
   * @throws NotMergeable when the text is not a JSON object, or its mcpServers is not an object
   */
  static Optional<String> withServer(String text, String entry) throws NotMergeable {
    try {
      if (!Json.parse(text).isObject()) {
        throw new NotMergeable("not a JSON object");
      }
    } catch (IOException notJson) {
      throw new NotMergeable("not valid JSON");
    }
    try {
      return insertServer(text.getBytes(UTF_8), entry);
    } catch (IOException parsedAbove) {
      throw new IllegalStateException("a text that parsed once parses again", parsedAbove);
    }
  }

  private static Optional<String> insertServer(byte[] bytes, String entry)
      throws IOException, NotMergeable {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(bytes)) {
      p.nextToken();
      long topOpen = p.currentTokenLocation().getByteOffset();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("mcpServers")) {
          if (value != JsonToken.START_OBJECT) {
            throw new NotMergeable("its mcpServers is not an object");
          }
          long open = p.currentTokenLocation().getByteOffset();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            if (p.currentName().equals(SERVER)) {
              return Optional.empty();
            }
            p.nextToken();
            p.skipChildren();
          }
          long close = p.currentTokenLocation().getByteOffset();
          return Optional.of(insert(bytes, open, close, entry));
        }
        p.skipChildren();
      }
      long close = p.currentTokenLocation().getByteOffset();
      String member = "\"mcpServers\": {\n  " + entry.replace("\n", "\n  ") + "\n}";
      return Optional.of(insert(bytes, topOpen, close, member));
    }
  }

  /** Inserts {@code member} before the object's closing brace, indented like its first member. */
  private static String insert(byte[] bytes, long open, long close, String member) {
    String before = new String(bytes, 0, (int) close, UTF_8);
    String after = new String(bytes, (int) close, bytes.length - (int) close, UTF_8);
    String body = before.substring(new String(bytes, 0, (int) open, UTF_8).length() + 1);
    String eol = before.contains("\r\n") ? "\r\n" : "\n";
    String ownIndent = indentOfLine(before, before.length() - body.length() - 1);
    boolean empty = body.isBlank();
    String memberIndent = empty ? ownIndent + "  " : firstMemberIndent(body, ownIndent + "  ");
    String indented = member.replace("\n", eol + memberIndent);
    if (empty) {
      return before.substring(0, before.length() - body.length())
          + eol
          + memberIndent
          + indented
          + eol
          + ownIndent
          + after;
    }
    String kept = stripTrailingBlanks(before);
    return kept + "," + eol + memberIndent + indented + before.substring(kept.length()) + after;
  }

  private static String firstMemberIndent(String body, String fallback) {
    int quote = body.indexOf('"');
    int lineStart = body.lastIndexOf('\n', quote) + 1;
    String lead = body.substring(lineStart, quote);
    return lineStart > 0 && lead.isBlank() ? lead : fallback;
  }

  private static String indentOfLine(String text, int at) {
    int lineStart = text.lastIndexOf('\n', at) + 1;
    int i = lineStart;
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
      i++;
    }
    return text.substring(lineStart, i);
  }

  private static String stripTrailingBlanks(String text) {
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  /** {@code "devops-worker": {...}} with its lines after the first indented by {@code indent}. */
  private static String entry(String launcher, List<String> args, String indent) {
    StringBuilder argList = new StringBuilder();
    for (String arg : args) {
      argList.append(argList.length() == 0 ? "" : ", ").append(quoted(arg));
    }
    return quoted(SERVER)
        + ": {\n"
        + indent
        + "  \"command\": "
        + quoted(launcher)
        + ",\n"
        + indent
        + "  \"args\": ["
        + argList
        + "]\n"
        + indent
        + "}";
  }

  private static String quoted(String text) {
    return Json.compact(Json.MAPPER.getNodeFactory().textNode(text));
  }

  private static String section(String launcher, String eol) {
    String text =
        """
        ## Deployments: devops-worker

        Deployments, rollbacks, infrastructure and monitoring changes are run by devops-worker, the
        team's DevOps-Engineer — not by you. Reach it through its MCP server `devops-worker`
        (registered in `.mcp.json`):

        - `request_deployment` — `type` (`deployment_staging`, `deployment_production`,
          `deployment_rollback`, `infrastructure_<name>`, `monitoring_setup`), `title`, `release`
          (required for staging and production), optional `description`, `depends_on` (task ids),
          `evidence` (gate evidence per check, e.g. `{"unit_tests": {"total_tests": 180,
          "passed_tests": 180}, "code_review": "approved"}`) and `evidence_tasks`. It returns the
          new task's id.
        - `task_status` with that `id` — status, the result's message, each gate check with its
          verdict and evidence, the question humans were asked (and the answers they may give),
          the last log lines.
        - `list_tasks`, `plan_task` (a dry run), `requeue_task` (run a done, deployed, failed or
          blocked task again, with a `reason`).

        No tool approves, rejects or waives a gate: a human decides that in `human-requests.md`.
        Do not edit the worker's tasks on the board yourself. Without MCP, the same through the
        command line: `LAUNCHER board add --json '{...}'` and `LAUNCHER board get ID`.
        """;
    return text.replace("LAUNCHER", launcher).replace("\n", eol);
  }

  private static String createOrKeep(Path file, String text, String name) throws IOException {
    return Scaffold.createNew(file, text) ? "created " + name : "kept " + name + " (exists)";
  }

  private static void replace(Path file, String text) throws IOException {
    Path real = AtomicFiles.realPath(file);
    AtomicFiles.commit(AtomicFiles.writeTemp(real, text.getBytes(UTF_8)), real);
  }
}

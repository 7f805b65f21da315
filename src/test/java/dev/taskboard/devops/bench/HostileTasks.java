package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.taskboard.devops.board.Board;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Adds DevOps tasks an agent could write, through the board API (under the lock): odd ids ({@code
 * ..}, 300-byte ids, ids with a newline, ANSI and OSC escapes, NUL or a right-to-left override,
 * numbers and their string twins), payloads over the kernel's 128 KiB per-variable limit, payloads
 * naming a runbook file the operator never named, steps that fail, staging deployments and
 * production deployments that need a human's signed approval.
 */
final class HostileTasks extends HostileGenerator {
  static final String WORKER = "DevOps-Engineer";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What a fed task is, which decides the state it must end in. */
  enum Kind {
    PLAIN,
    DOT_ID,
    LONG_ID,
    CONTROL_ID,
    NUMERIC_ID,
    HUGE_PAYLOAD,
    FOREIGN_RUNBOOK,
    FAILING,
    STAGING,
    PRODUCTION
  }

  private static final List<Kind> WEIGHTS =
      List.of(
          Kind.PLAIN,
          Kind.PLAIN,
          Kind.DOT_ID,
          Kind.LONG_ID,
          Kind.CONTROL_ID,
          Kind.CONTROL_ID,
          Kind.NUMERIC_ID,
          Kind.HUGE_PAYLOAD,
          Kind.FOREIGN_RUNBOOK,
          Kind.FAILING,
          Kind.STAGING,
          Kind.PRODUCTION,
          Kind.PRODUCTION);

  private static final List<String> CONTROLS =
      List.of(
          "\n2026-12-03T00:00:00Z INFO deployed PROD-1",
          "\u001b[31mred\u001b[0m",
          "\u001b]0;pwned\u0007",
          "\u001b]8;;http://evil.example/\u001b\\link\u001b]8;;\u001b\\",
          "\u0000nul",
          "\u202etxt.exe",
          "\r\u001b[2Kerased",
          "tab\there\u007f");

  private static final List<String> DOTS =
      List.of("..", ".", "../..", "../../etc/passwd", "./x", "a/../../b", "/", "..\\..", "~");

  /** A task as fed: its id exactly as written (string or number), what it is, its tag. */
  record Fed(String key, JsonNode id, Kind kind, String tag, Instant at) {}

  final Map<String, Fed> fed = new ConcurrentHashMap<>();
  final List<String> twinsAccepted = new CopyOnWriteArrayList<>();
  final List<String> refusedByBoard = new CopyOnWriteArrayList<>();
  private final Board board;
  private int n;
  private int dots;
  private long lastHuge = System.nanoTime() - 120_000_000_000L;

  HostileTasks(long seed, Scene scene, long periodMs) {
    super("tasks", seed, scene, periodMs);
    this.board = Board.at(scene.board);
  }

  /** The identity of an id on a board: its text, and whether it is a number. */
  static String key(JsonNode id) {
    return (id.isNumber() ? "n:" : "s:") + id.asText();
  }

  @Override
  void act() throws Exception {
    n++;
    Kind kind = pick(WEIGHTS);
    if (kind == Kind.HUGE_PAYLOAD) {
      // At most one every two minutes: each stays on the board, and every whole-board rewrite of
      // the lock-ignoring writers carries them all.
      if (System.nanoTime() - lastHuge < 120_000_000_000L) {
        kind = Kind.PLAIN;
      } else {
        lastHuge = System.nanoTime();
      }
    }
    String tag = "T" + n;
    JsonNode id;
    switch (kind) {
      case DOT_ID -> {
        String base = DOTS.get(dots % DOTS.size());
        id = TextNode.valueOf(dots++ < DOTS.size() ? base : base + n);
      }
      case LONG_ID -> {
        StringBuilder sb = new StringBuilder("LONG-" + n + "-");
        String filler = rnd.nextBoolean() ? "x" : "é";
        while (sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 300) {
          sb.append(filler);
        }
        id = TextNode.valueOf(sb.toString());
      }
      case CONTROL_ID -> id = TextNode.valueOf("CTL-" + n + pick(CONTROLS));
      case NUMERIC_ID -> id = IntNode.valueOf(900_000 + n);
      default -> id = TextNode.valueOf("HOST-" + n);
    }
    ObjectNode task = MAPPER.createObjectNode();
    task.set("id", id);
    task.put("title", "Hostile task " + n + " (" + kind.name().toLowerCase() + ")");
    task.put("agent", WORKER);
    task.put("status", "pending");
    task.put("priority", pick(List.of("low", "medium", "high")));
    String now = Instant.now().toString();
    task.put("created_at", now);
    task.put("updated_at", now);
    ObjectNode payload = task.putObject("payload");
    payload.put("tag", tag);
    switch (kind) {
      case STAGING -> {
        task.put("type", "deployment_staging");
        payload.put("release", "1." + n + ".0");
      }
      case PRODUCTION -> {
        task.put("type", "deployment_production");
        payload.put("release", "2." + n + ".0");
      }
      default -> task.put("type", "infrastructure_update");
    }
    if (kind == Kind.HUGE_PAYLOAD) {
      payload.put("blob", "z".repeat(between(129, 400) * 1024));
    } else if (kind == Kind.FOREIGN_RUNBOOK) {
      payload.put("runbook", rnd.nextBoolean() ? "evil.md" : scene.project + "/evil.md");
    } else if (kind == Kind.FAILING) {
      payload.put("fail", "yes");
    }
    try {
      add(task);
    } catch (Exception e) {
      refusedByBoard.add(kind + " " + printable(id.toString()) + ": " + e.getMessage());
      count("refused by the board API: " + kind.name().toLowerCase());
      return;
    }
    fed.put(key(id), new Fed(key(id), id, kind, tag, Instant.now()));
    count(kind.name().toLowerCase());
    if (kind == Kind.NUMERIC_ID) {
      ObjectNode twin = task.deepCopy();
      twin.put("id", id.asText());
      twin.put("title", "String twin of " + id.asText());
      try {
        add(twin);
        twinsAccepted.add(id.asText());
        count("string twin accepted (must not happen)");
      } catch (Exception refused) {
        count("string twin refused");
      }
    }
  }

  /**
   * Adds {@code task}; when the lock-ignoring writers left the board unreadable for all of the
   * board API's re-reads (it gives up, as {@code board add} exits 5), tries again a few times.
   */
  private void add(ObjectNode task) throws Exception {
    for (int tries = 1; ; tries++) {
      try {
        board.add(task);
        return;
      } catch (Exception e) {
        String why = String.valueOf(e.getMessage());
        boolean busy =
            why.contains("not valid JSON") || why.contains("ignores") || why.contains("shrank");
        if (!busy || tries >= 8) {
          throw e;
        }
        count("board API gave up on a half-written board; tried again");
        pause(300 + rnd.nextInt(500));
      }
    }
  }

  /** {@code s} with control characters shown as \\uXXXX, for the report. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints()
        .forEach(
            c -> {
              if (c < 0x20
                  || c == 0x7f
                  || (c >= 0x80 && c < 0xa0)
                  || (c >= 0x202a && c <= 0x202e)
                  || (c >= 0x2066 && c <= 0x2069)) {
                sb.append(String.format("\\u%04x", c));
              } else {
                sb.appendCodePoint(c);
              }
            });
    return sb.toString();
  }
}

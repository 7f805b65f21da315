package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One writer process of {@link ConcurrencyTorture}: {@code ConcurrencyWriter MODE FILE W RECORD
 * STOPFILE SEED [FEED_N FEED_MS]}. It loops until {@code STOPFILE} exists and appends one line per
 * change it made (and per failed try) to {@code RECORD}, tab-separated, with the wall-clock
 * milliseconds of the change's start and end:
 *
 * <ul>
 *   <li>{@code locked}: {@code devops-worker board patch OWN-W --set counter_W=n} and {@code board
 *       add} of tasks for other agents (through {@link Main#run}: the worker's own lock and write
 *       protocol); with {@code FEED_N FEED_MS} also {@code board add} of {@code FEED_N} pending
 *       DevOps {@code infrastructure_update} tasks spread over {@code FEED_MS}. Lines: {@code set
 *       ID counter_W n start end rc}, {@code add ID - - start end rc}, {@code devops ID - - start
 *       end rc};
 *   <li>{@code foreign}: ignores the lock like an LLM's file tool: reads the whole board with
 *       Jackson, sets {@code foreign_W_n = n} on a random non-DevOps task, writes the board
 *       pretty-printed to a temp file and renames it over the board. Lines: {@code field ID
 *       foreign_W_n n readStart renamed 0};
 *   <li>{@code hitl}: appends {@code ### REQ-W-n:} entries to human-requests.md with temp file +
 *       rename, ignoring the lock. Lines: {@code req REQ-W-n - - readStart renamed 0}.
 * </ul>
 */
public final class ConcurrencyWriter {
  private static final String WORKER = "DevOps-Engineer";

  private ConcurrencyWriter() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path file = Path.of(args[1]);
    int w = Integer.parseInt(args[2]);
    Path record = Path.of(args[3]);
    Path stop = Path.of(args[4]);
    Random rnd = new Random(Long.parseLong(args[5]) * 31 + w);
    int feedN = args.length > 6 ? Integer.parseInt(args[6]) : 0;
    long feedMs = args.length > 7 ? Long.parseLong(args[7]) : 1;
    switch (mode) {
      case "locked" -> locked(file, w, record, stop, rnd, feedN, feedMs);
      case "foreign" -> foreign(file, w, record, stop, rnd);
      case "hitl" -> hitl(file, w, record, stop, rnd);
      default -> throw new IllegalArgumentException(mode);
    }
  }

  private static void locked(
      Path board, int w, Path record, Path stop, Random rnd, int feedN, long feedMs)
      throws Exception {
    long t0 = System.currentTimeMillis();
    int counter = 0;
    int added = 0;
    int fed = 0;
    ObjectMapper json = new ObjectMapper();
    while (!Files.exists(stop)) {
      long elapsed = System.currentTimeMillis() - t0;
      if (fed < feedN && fed < (long) feedN * elapsed / feedMs + 1) {
        fed++;
        String id = String.format("CT-DEVOPS-%03d", fed);
        String obj = json.writeValueAsString(devopsTask(id, fed));
        call(record, "devops", id, "-", "-", "board", "add", "--json", obj, "--board", board);
        continue;
      }
      if (rnd.nextInt(100) < 70) {
        counter++;
        call(
            record,
            "set",
            "OWN-" + w,
            "counter_" + w,
            Integer.toString(counter),
            "board",
            "patch",
            "OWN-" + w,
            "--set",
            "counter_" + w + "=" + counter,
            "--board",
            board);
      } else {
        added++;
        String id = "ADD-" + w + "-" + added;
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", id);
        t.put("type", "write_tests");
        t.put("status", "pending");
        t.put("agent", "Tester");
        t.put("title", "Concurrency torture task " + id + " ✅");
        t.put("created_at", Instant.now().toString());
        t.put("created_by", "Task-Coder");
        call(
            record,
            "add",
            id,
            "-",
            "-",
            "board",
            "add",
            "--json",
            json.writeValueAsString(t),
            "--board",
            board);
      }
      Thread.sleep(20 + rnd.nextInt(80));
    }
  }

  static Map<String, Object> devopsTask(String id, int n) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("id", id);
    t.put("type", "infrastructure_update");
    t.put("status", "pending");
    t.put("agent", WORKER);
    t.put("title", "Concurrency torture infrastructure update " + n + " 🔧");
    t.put("priority", "medium");
    t.put("created_at", Instant.now().toString());
    t.put("updated_at", Instant.now().toString());
    t.put("created_by", "Architect");
    t.put("payload", Map.of("environment", "staging", "change", "ct-" + n));
    return t;
  }

  /** Runs one board command; on exit 5 (contention) records it and tries again. */
  private static void call(
      Path record, String kind, String id, String field, String value, Object... argv)
      throws IOException {
    String[] a = new String[argv.length];
    for (int i = 0; i < argv.length; i++) {
      a[i] = argv[i].toString();
    }
    for (int tries = 0; tries < 50; tries++) {
      StringWriter err = new StringWriter();
      long start = System.currentTimeMillis();
      int rc = Main.run(new PrintWriter(Writer.nullWriter()), new PrintWriter(err), a);
      long end = System.currentTimeMillis();
      record(record, kind, id, field, value, start, end, rc);
      if (rc != 5) {
        if (rc != 0) {
          System.err.println(kind + " " + id + " exited " + rc + ": " + err.toString().strip());
        }
        return;
      }
    }
  }

  private static void foreign(Path board, int w, Path record, Path stop, Random rnd)
      throws Exception {
    ObjectMapper jackson = new ObjectMapper();
    Path temp = board.resolveSibling(board.getFileName() + ".foreign" + w + "~");
    int n = 0;
    while (!Files.exists(stop)) {
      Thread.sleep(100 + rnd.nextInt(300));
      long start = System.currentTimeMillis();
      JsonNode tasks;
      try {
        tasks = jackson.readTree(Files.readAllBytes(board));
      } catch (IOException e) {
        record(record, "unparsed", "-", "-", "-", start, System.currentTimeMillis(), 1);
        System.err.println("foreign " + w + ": the board did not parse: " + e.getMessage());
        continue;
      }
      List<ObjectNode> others = new ArrayList<>();
      for (JsonNode t : tasks) {
        if (!WORKER.equals(t.path("agent").asText())) {
          others.add((ObjectNode) t);
        }
      }
      ObjectNode target = others.get(rnd.nextInt(others.size()));
      n++;
      String field = "foreign_" + w + "_" + n;
      target.put(field, n);
      Files.write(temp, jackson.writerWithDefaultPrettyPrinter().writeValueAsBytes(tasks));
      Files.move(temp, board, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      long end = System.currentTimeMillis();
      record(
          record, "field", target.path("id").asText(), field, Integer.toString(n), start, end, 0);
    }
  }

  private static void hitl(Path file, int w, Path record, Path stop, Random rnd) throws Exception {
    int n = 0;
    while (!Files.exists(stop)) {
      Thread.sleep(100 + rnd.nextInt(300));
      long start = System.currentTimeMillis();
      String text = Files.readString(file, StandardCharsets.UTF_8);
      n++;
      String id = "REQ-" + w + "-" + n;
      text =
          text
              + (text.endsWith("\n") ? "" : "\n")
              + "\n### "
              + id
              + ": concurrency torture request "
              + n
              + "\n**Type:** Agent Clarification\n**Submitted By:** Product-Manager\n"
              + "**Status:** pending\n";
      Path temp = Files.createTempFile(file.getParent(), "hitl" + w + "-", ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      long end = System.currentTimeMillis();
      record(record, "req", id, "-", "-", start, end, 0);
    }
  }

  private static void record(
      Path record, String kind, String id, String field, String value, long start, long end, int rc)
      throws IOException {
    String line = String.join("\t", kind, id, field, value, "" + start, "" + end, "" + rc) + "\n";
    Files.writeString(
        record, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}

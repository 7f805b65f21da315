package dev.taskboard.devops.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Board text and board parsing for {@link CrashTorture}: a board of other agents' tasks (from
 * {@link DaemonBoard#otherAgents}) with the torture's own pending {@code infrastructure_update}
 * tasks interleaved, and a Jackson pass that finds every top-level task's byte span.
 */
final class CrashBoard {
  static final String PREFIX = "CRASH-";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CrashBoard() {}

  /** One top-level entry: its id, its bytes {@code [start, end)} and its parsed value. */
  record Span(String id, int start, int end, JsonNode node) {
    byte[] bytes(byte[] board) {
      return Arrays.copyOfRange(board, start, end);
    }

    String status() {
      return node.path("status").asText(null);
    }

    String agent() {
      return node.path("agent").asText(null);
    }
  }

  /**
   * A board of about {@code otherBytes} of other agents' tasks with {@code ours} pending
   * DevOps-Engineer tasks ({@code CRASH-001} …) spread among them, in the boards' usual layout.
   */
  static byte[] build(long otherBytes, int ours, long seed) throws IOException {
    byte[] others = DaemonBoard.otherAgents(otherBytes, seed);
    List<Span> spans = spans(others);
    Random rnd = new Random(seed ^ 0x5DEECE66DL);
    List<String> entries = new ArrayList<>();
    for (Span s : spans) {
      entries.add("  " + new String(s.bytes(others), StandardCharsets.UTF_8));
    }
    Instant now = Instant.now();
    for (int i = 1; i <= ours; i++) {
      String id = String.format("%s%03d", PREFIX, i);
      Map<String, Object> t = DaemonBoard.benchTask(id, null, now, i);
      entries.add(rnd.nextInt(entries.size() + 1), DaemonBoard.entry(t));
    }
    return ("[\n" + String.join(",\n", entries) + "\n]\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The top-level entries of a board that is a JSON array of objects, with their byte spans. Throws
   * when the board does not parse (as a whole: trailing garbage counts).
   */
  static List<Span> spans(byte[] board) throws IOException {
    List<Span> out = new ArrayList<>();
    try (JsonParser p = MAPPER.getFactory().createParser(board)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException("the board is not a JSON array");
      }
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.START_OBJECT) {
          throw new IOException("a top-level entry is not an object: " + t);
        }
        int start = (int) p.currentTokenLocation().getByteOffset();
        JsonNode node = MAPPER.readTree(p);
        int end = (int) p.currentLocation().getByteOffset();
        String id = node.has("id") ? node.path("id").asText() : node.path("task_id").asText(null);
        out.add(new Span(id, start, end, node));
      }
      if (p.nextToken() != null) {
        throw new IOException("content after the task array");
      }
    }
    return out;
  }

  /** The whole board through the ordinary Jackson tree parser (the "board parses" check). */
  static JsonNode parse(byte[] board) throws IOException {
    return MAPPER.readTree(board);
  }
}

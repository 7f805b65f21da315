package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A hot writer that ignores the lock, as an LLM's file tool does: bursts of whole-board rewrites
 * (read, parse, change another agent's task, write a temp file, rename it over the board), some
 * pausing 0–400 ms between its read and its rename (so it writes back a stale copy), and about one
 * in five leaving the board half-written in place for 0.1–1.5 s before completing it.
 */
final class LockIgnoringWriter extends HostileGenerator {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final int w;
  private long n;

  LockIgnoringWriter(int w, long seed, Scene scene, long periodMs) {
    super("lock-ignoring-" + w, seed, scene, periodMs);
    this.w = w;
  }

  @Override
  void act() throws Exception {
    int burst = between(1, 6);
    for (int i = 0; i < burst; i++) {
      rewrite();
    }
  }

  private void rewrite() throws Exception {
    Path board = scene.board;
    byte[] read = Files.readAllBytes(board);
    JsonNode root;
    try {
      root = MAPPER.readTree(read);
    } catch (Exception halfWritten) {
      count("read a board it could not parse; skipped");
      return;
    }
    if (!(root instanceof ArrayNode tasks) || tasks.isEmpty()) {
      count("read a board that is not a task array; skipped");
      return;
    }
    // Change another agent's task: an agent's own edit that rides on a whole-board rewrite.
    for (int tries = 0; tries < 20; tries++) {
      JsonNode t = tasks.get(rnd.nextInt(tasks.size()));
      if (t instanceof ObjectNode o && !HostileTasks.WORKER.equals(o.path("agent").asText())) {
        o.put("foreign_" + w, ++n);
        break;
      }
    }
    byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    boolean slow = rnd.nextInt(3) == 0;
    if (slow) {
      pause(rnd.nextInt(401));
    }
    if (rnd.nextInt(5) == 0) {
      halfWritten(bytes);
      count(slow ? "half-written in place after a pause" : "half-written in place");
      return;
    }
    Path temp = board.resolveSibling(".foreign-" + w + ".tmp");
    Files.write(temp, bytes);
    Files.move(temp, board, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    count(slow ? "whole-board rewrite after a pause" : "whole-board rewrite");
  }

  /** Truncates the board in place, writes half, waits 0.1–1.5 s, writes the rest. */
  private void halfWritten(byte[] bytes) throws Exception {
    int half = 1 + rnd.nextInt(Math.max(1, bytes.length - 2));
    long hold = between(100, 1500);
    long from = System.currentTimeMillis();
    try (FileChannel ch =
        FileChannel.open(
            scene.board, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(bytes, 0, half));
      pause(hold);
      ch.write(ByteBuffer.wrap(bytes, half, bytes.length - half));
    } finally {
      scene.window(scene.tornBoard, from, System.currentTimeMillis());
    }
  }
}

package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * A writer that ignores the board's lock, the way an LLM's file tool edits: {@code ForeignWriter
 * MODE BOARD [ID FIELD JSON_VALUE]}. BOARD is a task array (tasks found by {@code id} or {@code
 * task_id}) or one task's file (a JSON object, its root changed).
 *
 * <ul>
 *   <li>{@code rename}: reads the whole board with Jackson, sets {@code FIELD} of task {@code ID},
 *       writes the board back re-formatted to a temp file and renames it over the board;
 *   <li>{@code half}: the same change, written in place and stopped half-way, as a writer caught
 *       mid-write leaves the file;
 *   <li>{@code inplace}: the same change, written in place whole (Node's {@code fs.writeFile});
 *   <li>{@code delete}: removes the board.
 * </ul>
 */
final class ForeignWriter {
  private ForeignWriter() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path board = Path.of(args[1]);
    if (mode.equals("delete")) {
      Files.delete(board);
      return;
    }
    byte[] changed = withField(board, args[2], args[3], args[4]);
    if (mode.equals("inplace")) {
      Files.write(board, changed);
      return;
    }
    if (mode.equals("half")) {
      Files.write(board, Arrays.copyOf(changed, changed.length / 2));
      return;
    }
    Path temp = board.resolveSibling(board.getFileName() + ".foreign~");
    Files.write(temp, changed);
    Files.move(temp, board, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static byte[] withField(Path board, String id, String field, String json)
      throws Exception {
    ObjectMapper jackson = new ObjectMapper();
    JsonNode tasks = jackson.readTree(board.toFile());
    if (tasks.isObject()) {
      ((ObjectNode) tasks).set(field, jackson.readTree(json));
      return jackson.writerWithDefaultPrettyPrinter().writeValueAsBytes(tasks);
    }
    for (JsonNode task : tasks) {
      if (task.path("id").asText().equals(id) || task.path("task_id").asText().equals(id)) {
        ((ObjectNode) task).set(field, jackson.readTree(json));
        return jackson.writerWithDefaultPrettyPrinter().writeValueAsBytes(tasks);
      }
    }
    throw new IllegalArgumentException("no task " + id + " in " + board);
  }
}

package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A reader in a process of its own (fcntl locks belong to a process, so it cannot share the
 * harness's JVM): it reads the board under the worker's lock ({@code tasks.json.devops-lock}) as
 * often as it can and parses every version it has not seen. Every failure is recorded with its
 * time, so that the harness can tell the deliberate half-written windows from a torn version nobody
 * meant to leave.
 *
 * <pre>
 * LockedBoardReader BOARD RECORD_FILE STOP_FILE
 * </pre>
 */
public final class LockedBoardReader {
  private LockedBoardReader() {}

  public static void main(String[] args) throws Exception {
    Path board = Path.of(args[0]).toRealPath();
    Path record = Path.of(args[1]);
    Path stop = Path.of(args[2]);
    Path sidecar = board.resolveSibling(board.getFileName() + ".devops-lock");
    ObjectMapper mapper = new ObjectMapper();
    long versions = 0;
    long reads = 0;
    long failures = 0;
    String last = null;
    try (PrintWriter out =
            new PrintWriter(Files.newBufferedWriter(record, StandardCharsets.UTF_8), true);
        FileChannel lock =
            FileChannel.open(sidecar, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      while (!Files.exists(stop)) {
        byte[] bytes;
        String stamp;
        long at;
        try (FileLock held = lock.lock()) {
          at = System.currentTimeMillis();
          BasicFileAttributes a = Files.readAttributes(board, BasicFileAttributes.class);
          stamp = a.fileKey() + "/" + a.size() + "/" + a.lastModifiedTime().toMillis();
          bytes = Files.readAllBytes(board);
        } catch (IOException e) {
          out.println("fail\t" + System.currentTimeMillis() + "\tread: " + e);
          failures++;
          continue;
        }
        reads++;
        String seen = stamp + "/" + bytes.length + "/" + java.util.Arrays.hashCode(bytes);
        if (!Objects.equals(seen, last)) {
          last = seen;
          versions++;
          try {
            JsonNode root = mapper.readTree(bytes);
            if (root == null || !root.isArray()) {
              throw new IOException("not a task array");
            }
          } catch (IOException | RuntimeException e) {
            failures++;
            String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            out.println("fail\t" + at + "\t" + bytes.length + " bytes: " + msg);
            if (failures <= 20) {
              Files.write(record.resolveSibling("locked-read-" + failures + ".json"), bytes);
            }
          }
        }
        // Poll pacing of an observer (it must not hold the lock all the time).
        Thread.sleep(15);
      }
      out.println("versions\t" + versions);
      out.println("reads\t" + reads);
      out.println("failures\t" + failures);
    }
  }
}

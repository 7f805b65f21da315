package dev.taskboard.devops.worker;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines of a step log (already redacted when written), for the task's {@code
 * result.log_tail}: what agents see of a run without reading the worker's private state dir.
 */
final class LogTail {
  static final int LINES = 20;
  private static final int BYTES = 8 * 1024;
  private static final int LINE_CHARS = 300;

  private LogTail() {}

  /** Up to {@link #LINES} last non-blank lines of {@code log}, each cut to a readable length. */
  static List<String> of(Path log) {
    if (log == null || !Files.isRegularFile(log)) {
      return List.of();
    }
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, f.length() - BYTES);
      byte[] tail = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(tail);
      String[] lines = new String(tail, StandardCharsets.UTF_8).split("\r?\n");
      List<String> out = new ArrayList<>();
      for (int i = start > 0 ? 1 : 0; i < lines.length; i++) { // the first may be cut
        String line = lines[i].replaceAll("\\p{Cntrl}", " ").strip();
        if (!line.isEmpty()) {
          out.add(line.length() > LINE_CHARS ? line.substring(0, LINE_CHARS) + "…" : line);
        }
      }
      return out.subList(Math.max(0, out.size() - LINES), out.size());
    } catch (IOException unreadable) {
      return List.of();
    }
  }
}

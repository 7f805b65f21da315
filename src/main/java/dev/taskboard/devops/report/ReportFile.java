package dev.taskboard.devops.report;

import dev.taskboard.devops.files.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Writes a report file whole: readers (a browser, a dashboard) never see half a report. */
public final class ReportFile {
  private ReportFile() {}

  /**
   * Writes {@code content} to a temp file beside {@code file}, forces it to disk and renames it
   * over {@code file} (through a symlink, to its target).
   */
  public static void write(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new NoSuchFileException(
          dir.toString(), null, "no such directory for the report; create it first");
    }
    Path real = AtomicFiles.realPath(file);
    // Not createTempFile: its rw------- would hide the report from the people it is for.
    Path temp = real.resolveSibling("." + real.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (OutputStream out =
          Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
      try (FileChannel sync = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        sync.force(true);
      }
      AtomicFiles.commit(temp, real);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}

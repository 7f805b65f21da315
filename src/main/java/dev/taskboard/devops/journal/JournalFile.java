package dev.taskboard.devops.journal;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The journal file: JSON lines, appended and forced to disk one event at a time, before the board
 * says the thing happened. A line that cannot be used — torn by a crash mid-append, or edited — is
 * skipped with a warning naming file:line; it never stops the reader.
 */
public final class JournalFile implements Closeable {
  private final Path file;
  private final FileChannel out;

  private JournalFile(Path file, FileChannel out) {
    this.file = file;
    this.out = out;
  }

  /** What a read found: the usable events in file order, and a warning per skipped line. */
  public record Read(List<JournalEvent> events, List<String> warnings) {
    public Read {
      events = List.copyOf(events);
      warnings = List.copyOf(warnings);
    }
  }

  /** Reads every event of {@code file}; a missing file is an empty journal. */
  public static Read read(Path file) throws IOException {
    List<JournalEvent> events = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (!Files.exists(file)) {
      return new Read(events, warnings);
    }
    // Decoded leniently: a line torn inside a multi-byte character must only make that line
    // unusable, not the whole journal.
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      String problem;
      try {
        events.add(Codec.fromMap(JSON.std.mapFrom(line)));
        continue;
      } catch (IOException | IllegalStateException notJson) {
        problem = "not a whole JSON object: torn by a crash, or edited";
      } catch (IllegalArgumentException unusable) {
        problem = unusable.getMessage();
      }
      warnings.add(
          file + ":" + number + ": skipped a journal line it cannot use (" + problem + ")");
    }
    return new Read(events, warnings);
  }

  /**
   * Opens {@code file} for appending, creating it and its directory. A last line without its line
   * ending (a crash mid-append) is ended first, so the next event starts a line of its own.
   */
  public static JournalFile append(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    boolean torn = endsTorn(file);
    FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    try {
      if (torn) {
        write(out, new byte[] {'\n'});
      }
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
    return new JournalFile(file, out);
  }

  /** Whether the file's last byte is not a line ending (Java opens no channel READ + APPEND). */
  private static boolean endsTorn(Path file) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      in.read(last, size - 1);
      return last.get(0) != '\n';
    }
  }

  public Path file() {
    return file;
  }

  /** Appends {@code event} as one line and forces it to disk. */
  public synchronized void write(JournalEvent event) throws IOException {
    Map<String, Object> m = Codec.toMap(event);
    write(out, (JSON.std.asString(m) + "\n").getBytes(StandardCharsets.UTF_8));
    out.force(false);
  }

  private static void write(FileChannel out, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}

package dev.taskboard.devops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A hook for race tests: on its first run it starts another process that writes {@code file} (a
 * writer that ignores the lock), waits for it to exit and keeps what the file then holds; later
 * runs only count.
 */
public final class ForeignWrite implements Runnable {
  private final List<String> command;
  private final Path file;
  private final Path log;
  public int calls;
  public int exitCode = -1;
  public String output = "";

  /** The file's bytes after the foreign write, or null when it removed the file. */
  public byte[] wrote;

  public ForeignWrite(List<String> command, Path file, Path log) {
    this.command = List.copyOf(command);
    this.file = file;
    this.log = log;
  }

  /** {@link #wrote} as UTF-8 text. */
  public String wroteText() {
    return new String(wrote, StandardCharsets.UTF_8);
  }

  @Override
  public void run() {
    if (calls++ > 0) {
      return;
    }
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish");
      }
      exitCode = process.exitValue();
      output = Files.readString(log);
      wrote = Files.exists(file) ? Files.readAllBytes(file) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

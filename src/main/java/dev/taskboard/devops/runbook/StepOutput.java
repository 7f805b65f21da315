package dev.taskboard.devops.runbook;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * The pipe a step's merged stdout and stderr go to: a named pipe only the runner reads.
 *
 * <p>Not the JDK's own pipe: when the step's process exits, the JDK's process reaper may swap that
 * pipe for what is buffered and close it (whether it does depends on timing). A background service
 * the step left holding the pipe would then die of SIGPIPE at its next write. The named pipe is
 * read to its real end of file instead, however long that takes. Where {@code mkfifo} is missing,
 * the JDK's pipe is the fallback.
 */
final class StepOutput implements Closeable {
  private static final long MKFIFO_SECONDS = 5;

  private final Path fifo;
  private FileChannel keeper;

  private StepOutput(Path fifo, FileChannel keeper) {
    this.fifo = fifo;
    this.keeper = keeper;
  }

  /**
   * Creates the named pipe at {@code fifo} and opens it for reading and writing: with that end
   * open, neither the process start nor the reader's open has to wait for the other (Linux allows a
   * read-write open of a FIFO; POSIX leaves it undefined).
   */
  static StepOutput prepare(Path fifo) throws InterruptedException {
    try {
      Files.deleteIfExists(fifo);
      Process mkfifo =
          new ProcessBuilder("mkfifo", "-m", "600", fifo.toString())
              .redirectErrorStream(true)
              .redirectOutput(Redirect.DISCARD)
              .start();
      if (mkfifo.waitFor(MKFIFO_SECONDS, TimeUnit.SECONDS) && mkfifo.exitValue() == 0) {
        return new StepOutput(
            fifo, FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE));
      }
      mkfifo.destroyForcibly();
    } catch (IOException e) {
      // No mkfifo, or a file system without named pipes: use the JDK's pipe.
    }
    deleteQuietly(fifo);
    return new StepOutput(null, null);
  }

  void configure(ProcessBuilder pb) {
    pb.redirectErrorStream(true);
    pb.redirectOutput(keeper == null ? Redirect.PIPE : Redirect.to(fifo.toFile()));
  }

  /** The reading end, once {@code process} has started; the pipe's name is gone after this. */
  InputStream open(Process process) throws IOException {
    if (keeper == null) {
      return process.getInputStream();
    }
    try {
      return Files.newInputStream(fifo, StandardOpenOption.READ);
    } finally {
      close();
    }
  }

  /**
   * Lets go of the runner's own end, so end of file comes when the step's processes close theirs.
   */
  @Override
  public void close() {
    if (keeper != null) {
      try {
        keeper.close();
      } catch (IOException e) {
        // Closing a pipe end does not fail in a way that matters here.
      }
      keeper = null;
      deleteQuietly(fifo);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover name beside the log is harmless; the next step replaces it.
    }
  }
}

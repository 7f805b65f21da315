package dev.taskboard.devops.runbook;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The attempt log, opened for one step: the runner's own notes and the step's (redacted) output,
 * which can be cut off when the step has ended but left processes writing to its pipe.
 */
final class StepLog implements Closeable {
  static final int MAX_LAST_LINE = 500;

  private final BufferedWriter out;
  private boolean outputOpen = true;
  private boolean closed;
  private String lastLine = "";
  private IOException failure;

  private StepLog(BufferedWriter out) {
    this.out = out;
  }

  static StepLog append(Path log) throws IOException {
    return new StepLog(
        Files.newBufferedWriter(
            log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
  }

  /** A line the step printed; dropped once output is cut off. */
  synchronized void output(String line) {
    if (!outputOpen || closed) {
      return;
    }
    try {
      write(line);
    } catch (IOException e) {
      failure = e;
      outputOpen = false;
      return;
    }
    if (!line.isBlank()) {
      String stripped = line.strip();
      lastLine =
          stripped.length() > MAX_LAST_LINE ? stripped.substring(0, MAX_LAST_LINE) + "…" : stripped;
    }
  }

  /** A line of the runner's own. */
  synchronized void note(String line) throws IOException {
    if (!closed) {
      write(line);
    }
  }

  /** From now on the step's output is dropped (it is still drained, so writers never block). */
  synchronized void cutOutput() {
    outputOpen = false;
  }

  synchronized String lastLine() {
    return lastLine;
  }

  /** The error that stopped writing the step's output, if one did. */
  synchronized IOException failure() {
    return failure;
  }

  private void write(String line) throws IOException {
    out.write(line);
    out.newLine();
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      out.close();
    }
  }
}

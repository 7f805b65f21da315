package dev.taskboard.devops.runbook;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Copies a step's merged stdout and stderr, line by line and redacted, into its log. Runs on its
 * own thread until the pipe's end of file, which comes only when every process holding the pipe has
 * exited or closed it.
 */
final class OutputPump implements Runnable {
  /** A longer line is cut into pieces, so output without newlines cannot exhaust memory. */
  static final int MAX_LINE = 64 * 1024;

  private final InputStream in;
  private final StepLog log;
  private final Redactor redactor;
  private final CompletableFuture<Void> ended = new CompletableFuture<>();

  private OutputPump(InputStream in, StepLog log, Redactor redactor) {
    this.in = in;
    this.log = log;
    this.redactor = redactor;
  }

  static OutputPump start(InputStream in, StepLog log, Redactor redactor, String name) {
    OutputPump pump = new OutputPump(in, log, redactor);
    Thread thread = new Thread(pump, "step-output " + name);
    thread.setDaemon(true);
    thread.start();
    return pump;
  }

  /** Completes at the pipe's end of file. */
  CompletableFuture<Void> ended() {
    return ended;
  }

  @Override
  public void run() {
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      char[] buffer = new char[8192];
      StringBuilder line = new StringBuilder();
      boolean afterCr = false;
      for (int n; (n = reader.read(buffer)) >= 0; ) {
        for (int i = 0; i < n; i++) {
          char c = buffer[i];
          if (c == '\n' && afterCr) {
            afterCr = false;
            continue;
          }
          afterCr = c == '\r';
          if (c == '\n' || c == '\r') {
            emit(line);
          } else {
            line.append(c);
            if (line.length() >= MAX_LINE) {
              emit(line);
            }
          }
        }
      }
      if (line.length() > 0) {
        emit(line);
      }
    } catch (IOException e) {
      // The pipe was closed under us: nothing more will come.
    } finally {
      ended.complete(null);
    }
  }

  private void emit(StringBuilder line) {
    log.output(redactor.redact(line.toString()));
    line.setLength(0);
  }
}

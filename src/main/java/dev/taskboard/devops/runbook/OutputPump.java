package dev.taskboard.devops.runbook;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Copies a step's merged stdout and stderr, redacted and line by line, into its log. Runs on its
 * own thread until the pipe's end of file, which comes only when every process holding the pipe has
 * exited or closed it.
 *
 * <p>The output is redacted as one stream and only then cut into lines: a secret across the cut of
 * an over-long line, across a carriage return or across two reads would otherwise reach the log in
 * halves that match no secret.
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
    RedactingStream redacting = redactor.stream();
    Lines lines = new Lines(log);
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      char[] buffer = new char[8192];
      for (int n; (n = reader.read(buffer)) >= 0; ) {
        lines.add(redacting.feed(CharBuffer.wrap(buffer, 0, n)));
      }
    } catch (IOException e) {
      // The pipe was closed under us: nothing more will come.
    } finally {
      lines.add(redacting.finish());
      lines.end();
      ended.complete(null);
    }
  }

  /** Cuts redacted text into log lines at LF, CR or CRLF, and at {@link #MAX_LINE}. */
  private static final class Lines {
    private final StepLog log;
    private final StringBuilder line = new StringBuilder();
    private boolean afterCr;

    Lines(StepLog log) {
      this.log = log;
    }

    void add(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n' && afterCr) {
          afterCr = false;
          continue;
        }
        afterCr = c == '\r';
        if (c == '\n' || c == '\r') {
          emit();
        } else {
          line.append(c);
          if (line.length() >= MAX_LINE) {
            emit();
          }
        }
      }
    }

    void end() {
      if (line.length() > 0) {
        emit();
      }
    }

    private void emit() {
      log.output(line.toString());
      line.setLength(0);
    }
  }
}

package dev.taskboard.devops.worker;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * On a terminal, one line that the running step rewrites in place: its task and name, the time it
 * has run and the last line of its log. Off a terminal it does nothing; the one-line events say
 * everything there.
 */
class Progress implements Closeable {
  /** Shows nothing: for logs, pipes and files. */
  static final Progress NONE = new Progress();

  void started(String task, String step, Path log) {}

  void finished() {}

  @Override
  public void close() {}

  /** The terminal version when stderr is a terminal, else {@link #NONE}. */
  static Progress forTerminal(Clock clock) {
    String term = System.getenv("TERM");
    boolean terminal = Terminal.isatty(Terminal.STDERR) && term != null && !term.equals("dumb");
    return terminal ? new OnTerminal(System.err, clock, 80) : NONE;
  }

  /** Redraws the line four times a second on a thread it owns. */
  static final class OnTerminal extends Progress {
    private final PrintStream out;
    private final Clock clock;
    private final int width;
    private final ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "progress");
              t.setDaemon(true);
              return t;
            });
    private ScheduledFuture<?> drawing;
    private volatile String task;
    private volatile String step;
    private volatile Path log;
    private volatile Instant since;

    OnTerminal(PrintStream out, Clock clock, int width) {
      this.out = out;
      this.clock = clock;
      this.width = width;
    }

    @Override
    synchronized void started(String task, String step, Path log) {
      this.task = task;
      this.step = step;
      this.log = log;
      this.since = clock.instant();
      if (drawing == null) {
        drawing = ticker.scheduleAtFixedRate(this::draw, 0, 250, TimeUnit.MILLISECONDS);
      }
    }

    @Override
    synchronized void finished() {
      if (drawing != null) {
        drawing.cancel(false);
        drawing = null;
      }
      out.print("\r\033[K");
      out.flush();
    }

    /**
     * Synchronized with {@link #finished()} and a no-op once it ran: cancelling the schedule does
     * not stop a draw already running on the ticker, which would otherwise print the line again
     * after it was cleared.
     */
    synchronized void draw() {
      if (drawing == null) {
        return;
      }
      out.print("\r\033[K" + line() + "\r");
      out.flush();
    }

    /** E.g. "▶ TASK-004 deploy#1 12.3s │ starting greeter on :18081". */
    String line() {
      Duration running = Duration.between(since, clock.instant());
      String head =
          String.format(
              "▶ %s %s %d.%ds",
              dev.taskboard.devops.task.Printable.of(task),
              step,
              running.toSeconds(),
              running.toMillisPart() / 100);
      String last = lastLine(log);
      String text = last.isEmpty() ? head : head + " │ " + last;
      return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }

    /** The last non-empty line of the log's final 4 KB. */
    static String lastLine(Path log) {
      if (log == null || !Files.exists(log)) {
        return "";
      }
      try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
        long start = Math.max(0, f.length() - 4096);
        byte[] tail = new byte[(int) (f.length() - start)];
        f.seek(start);
        f.readFully(tail);
        String[] lines = new String(tail, StandardCharsets.UTF_8).split("\r?\n");
        for (int i = lines.length - 1; i >= 0; i--) {
          String l = lines[i].strip();
          if (!l.isEmpty() && !l.startsWith("== ")) {
            return l.replaceAll("\\p{Cntrl}", " ");
          }
        }
        return "";
      } catch (IOException unreadable) {
        return "";
      }
    }

    @Override
    public void close() {
      finished();
      ticker.shutdownNow();
    }
  }
}

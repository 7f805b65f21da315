package dev.taskboard.devops.worker;

import dev.taskboard.devops.task.Printable;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the humans that a new entry waits for them: runs the operator's notify command ({@code
 * --notify CMD}, e.g. {@code notify-send} or a script posting to a chat) with the entry in
 * environment variables — never in the command text, since titles and ids come from agents. Off the
 * worker's thread, bounded in time; a failure is logged, never fatal.
 */
final class Notifier implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  private static final long BOUND_SECONDS = 30;

  private final String command;
  private final ExecutorService thread;

  private Notifier(String command) {
    this.command = command;
    this.thread =
        command.isBlank()
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "notify");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** The operator's command; blank for none. */
  static Notifier of(String command) {
    return new Notifier(command == null ? "" : command);
  }

  /** A new entry in {@code file} waits for a human. */
  void newRequest(String id, String title, String task, String priority, Path file) {
    if (thread == null) {
      return;
    }
    Map<String, String> env =
        Map.of(
            "DEVOPS_WORKER_REQUEST_ID", id,
            "DEVOPS_WORKER_REQUEST_TITLE", Printable.of(title),
            "DEVOPS_WORKER_TASK_ID", Printable.of(task),
            "DEVOPS_WORKER_REQUEST_PRIORITY", priority,
            "DEVOPS_WORKER_REQUESTS_FILE", file.toAbsolutePath().toString());
    try {
      thread.execute(() -> run(id, env));
    } catch (RejectedExecutionException closing) {
      LOG.warn("not notified of {}: the worker is stopping", id);
    }
  }

  private void run(String id, Map<String, String> env) {
    ProcessBuilder pb =
        new ProcessBuilder("sh", "-c", command)
            .redirectInput(Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(Redirect.DISCARD);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      if (!p.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        LOG.warn("notify command for {} ran over {}s and was stopped", id, BOUND_SECONDS);
      } else if (p.exitValue() != 0) {
        LOG.warn("notify command for {} exited {}", id, p.exitValue());
      }
    } catch (IOException e) {
      LOG.warn("notify command for {} cannot start: {}", id, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Lets a running command finish (bounded), then stops the thread. */
  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    thread.shutdown();
    try {
      if (!thread.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

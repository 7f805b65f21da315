package dev.taskboard.devops.runbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Small builders for steps and settings in tests, and a way to see a process gone. */
final class Steps {
  private Steps() {}

  static Step step(Phase phase, int index, String interpreter, String script) {
    return new Step(phase, index, interpreter, script, Path.of("deployment.md"), 10);
  }

  static Step sh(String script) {
    return step(Phase.DEPLOY, 1, "sh", script);
  }

  static Settings settings(Path workdir, Duration timeout, Duration grace) {
    return new Settings(
        timeout, 1, Duration.ZERO, Optional.empty(), workdir, grace, Map.of(), Set.of());
  }

  static Settings settings(Path workdir) {
    return settings(workdir, Duration.ofSeconds(20), Duration.ofSeconds(5));
  }

  static long pidIn(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).strip());
  }

  /**
   * Waits (bounded) until process {@code pid} is gone. A killed orphan is reaped by init, which may
   * take a moment; a zombie still counts as alive for ProcessHandle, so this waits for that.
   */
  static boolean goneWithin(long pid, Duration bound) throws InterruptedException {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return true;
    }
    try {
      handle.get().onExit().get(bound.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return zombie(pid);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * The processes (not zombies) whose command line holds {@code token}, e.g. a {@code sleep
   * 1000.<digits>} no other process runs.
   */
  /**
   * {@link #runningWith} once {@code done} accepts it, or as it is when {@code bound} passes: a
   * step's background child may still be between its fork and the exec of its command when the step
   * ends, so the answer is polled (with a deadline) rather than read once.
   */
  static List<Long> awaitRunningWith(
      String token, java.util.function.Predicate<List<Long>> done, java.time.Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    List<Long> now = runningWith(token);
    while (!done.test(now) && System.nanoTime() < deadline) {
      Thread.sleep(5); // polling /proc for the exec, with a deadline
      now = runningWith(token);
    }
    return now;
  }

  static List<Long> runningWith(String token) {
    byte[] wanted = token.getBytes(StandardCharsets.UTF_8);
    List<Long> found = new ArrayList<>();
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      for (ProcessHandle p : all.toList()) {
        try {
          byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
          if (indexOf(cmdline, wanted) >= 0 && !zombie(p.pid())) {
            found.add(p.pid());
          }
        } catch (IOException gone) {
          // exited meanwhile
        }
      }
    }
    return found;
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= bytes.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Waits (bounded) for each of {@code pids} to be gone; those still running. */
  static List<Long> stillRunning(List<Long> pids, Duration bound) throws InterruptedException {
    List<Long> running = new ArrayList<>();
    for (long pid : pids) {
      if (!goneWithin(pid, bound)) {
        running.add(pid);
      }
    }
    return running;
  }

  /** A number no other process's command line holds, for {@code sleep 1000.<unique>}. */
  static String unique() {
    return ProcessHandle.current().pid() + "" + Math.abs(System.nanoTime());
  }

  static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  /** A named pipe: opening one end blocks until the other end is opened, without polling. */
  static Path fifo(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("mkfifo failed for " + path);
    }
    return path;
  }
}

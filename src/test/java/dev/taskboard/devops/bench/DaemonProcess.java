package dev.taskboard.devops.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A worker process started by {@link DaemonBench}: started with stderr to a log file, stopped with
 * SIGTERM ({@link Process#destroy()}) and, after a bound, killed with its descendants. Every
 * process started here is also stopped by a shutdown hook if the benchmark itself is interrupted.
 */
final class DaemonProcess {
  private static final Set<DaemonProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(DaemonProcess::stopAll, "daemon-bench-cleanup"));
  }

  final Process process;
  final Instant started;
  final long startedNanos;
  final Path stderrLog;

  private DaemonProcess(Process process, Instant started, long startedNanos, Path stderrLog) {
    this.process = process;
    this.started = started;
    this.startedNanos = startedNanos;
    this.stderrLog = stderrLog;
  }

  /** Starts {@code command} in {@code dir}; stdout and stderr go to files, stdin is empty. */
  static DaemonProcess start(List<String> command, Path dir, Path stdoutLog, Path stderrLog)
      throws IOException {
    return start(command, dir, stdoutLog, stderrLog, null);
  }

  /**
   * As {@link #start(List, Path, Path, Path)}, with exactly the environment {@code env} (HOME and
   * XDG_* pointed at the harness's scratch directory); null keeps this process's environment.
   */
  static DaemonProcess start(
      List<String> command, Path dir, Path stdoutLog, Path stderrLog, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(stdoutLog.toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
    if (env != null) {
      pb.environment().clear();
      pb.environment().putAll(env);
    }
    Instant started = Instant.now();
    long startedNanos = System.nanoTime();
    Process p = pb.start();
    DaemonProcess d = new DaemonProcess(p, started, startedNanos, stderrLog);
    LIVE.add(d);
    return d;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits for the process to exit by itself; kills it after {@code limit}. Returns exit code. */
  int await(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      stop(Duration.ofSeconds(20));
      throw new IllegalStateException(
          "pid " + pid() + " did not finish within " + limit + "; stopped it");
    }
    LIVE.remove(this);
    return process.exitValue();
  }

  /**
   * SIGTERM, then up to {@code grace} for the worker to finish its step and exit, then SIGKILL for
   * it and whatever it started. Returns the exit code (null when it had to be killed).
   */
  Integer stop(Duration grace) throws InterruptedException {
    try {
      if (!process.isAlive()) {
        return process.exitValue();
      }
      process.destroy();
      if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
      kill();
      return null;
    } finally {
      LIVE.remove(this);
    }
  }

  private void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Stops every process still running (shutdown hook and the benchmark's final clean-up). */
  static void stopAll() {
    for (DaemonProcess d : List.copyOf(LIVE)) {
      try {
        d.stop(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        d.process.descendants().forEach(ProcessHandle::destroyForcibly);
        d.process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** utime + stime of {@code pid} (all its threads) in clock ticks, from /proc/PID/stat. */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // comm (field 2) may hold spaces and parentheses: split after the last ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state): utime is field 14, stime field 15.
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** The fields of /proc/PID/status, e.g. VmRSS → "123456 kB". */
  static Map<String, String> status(long pid) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line :
        Files.readAllLines(
            Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.ISO_8859_1)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        out.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  /** A kB figure of /proc/PID/status as MiB. */
  static double mib(Map<String, String> status, String key) {
    String v = status.getOrDefault(key, "").replace("kB", "").trim();
    return v.isEmpty() ? Double.NaN : Long.parseLong(v) / 1024.0;
  }

  /** Runs a short command and returns its combined output (for nproc, getconf, java -version). */
  static String output(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return new String(out, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}

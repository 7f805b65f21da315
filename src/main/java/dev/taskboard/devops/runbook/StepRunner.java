package dev.taskboard.devops.runbook;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one runbook step as a real process: its own process group, the task's environment, a timeout
 * and the stop signal, output redacted into the attempt log. Never sleeps or polls: it waits on the
 * process's exit, a timer and the stop signal, whichever comes first.
 */
public final class StepRunner {
  /** How long output may still arrive after the step's own process has exited. */
  static final Duration DRAIN = Duration.ofSeconds(1);

  /** Bound on waiting for a killed process to be reaped. */
  static final Duration REAP = Duration.ofSeconds(10);

  private final Clock clock;

  public StepRunner(Clock clock) {
    this.clock = clock;
  }

  public StepRunner() {
    this(Clock.systemUTC());
  }

  private enum Ending {
    EXITED,
    TIMED_OUT,
    STOPPED
  }

  /**
   * Runs {@code step} in {@code settings.workdir()} with the worker's environment plus {@code env},
   * appending to {@code log}. The script is written beside the log first.
   *
   * @throws IOException when the log or the script cannot be written
   * @throws InterruptedException when interrupted; the step's process tree is killed first
   */
  public StepResult run(
      Step step, Settings settings, Map<String, String> env, Path log, StopSignal stop)
      throws IOException, InterruptedException {
    return run(step, settings, env, log, stop, started -> {});
  }

  /**
   * Like {@link #run(Step, Settings, Map, Path, StopSignal)}, telling {@code onStart} the step's
   * process as soon as it runs — so a worker that dies mid-step can be followed by one that finds
   * and kills the step it left behind.
   */
  public StepResult run(
      Step step,
      Settings settings,
      Map<String, String> env,
      Path log,
      StopSignal stop,
      Consumer<ProcessHandle> onStart)
      throws IOException, InterruptedException {
    Path dir = log.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Map<String, String> full = new HashMap<>(System.getenv());
    full.putAll(env);
    Redactor redactor = Redactor.of(full, settings.redact());
    try (StepLog out = StepLog.append(log)) {
      out.note(
          "== "
              + step.name()
              + " ("
              + step.interpreter()
              + ") started "
              + clock.instant()
              + " from "
              + step.origin());
      if (stop.isRequested()) {
        return notStarted(out, step, "not started: shutdown requested", StepResult.KILLED, true);
      }
      Optional<String> problem = cannotStart(step, settings, full);
      if (problem.isPresent()) {
        return notStarted(out, step, problem.get(), StepResult.CANNOT_START, false);
      }
      String base = fileBaseName(step, log);
      Path script = writeScript(step, dir.resolve(base + extension(step.interpreter())));
      try (PayloadFile payload = payloadFile(dir, env)) {
        String marker = ProcessTree.newMarker();
        Map<String, String> launchEnv = launchEnv(env, payload, marker);
        Optional<String> tooLarge = tooLarge(launchEnv);
        if (tooLarge.isPresent()) {
          return notStarted(out, step, tooLarge.get(), StepResult.CANNOT_START, false);
        }
        try (StepOutput output = StepOutput.prepare(dir.resolve(base + ".out"))) {
          Launch launch = new Launch(step, settings, launchEnv, script, marker);
          return run(launch, output, out, redactor, stop, onStart);
        }
      }
    }
  }

  /** The payload's file, when {@code env} carries a task's payload. */
  private static PayloadFile payloadFile(Path dir, Map<String, String> env) throws IOException {
    String json = env.get(TaskEnvironment.PAYLOAD);
    return json == null ? null : PayloadFile.write(dir, json);
  }

  /**
   * {@code env} with the payload's file and the step's marker, put last so that nothing replaces
   * the marker: it is how a kill finds what the step started.
   */
  private static Map<String, String> launchEnv(
      Map<String, String> env, PayloadFile payload, String marker) {
    Map<String, String> launchEnv = new LinkedHashMap<>(env);
    if (payload != null) {
      launchEnv.put(TaskEnvironment.PAYLOAD_FILE, payload.file().toString());
    }
    launchEnv.put(ProcessTree.MARKER, marker);
    return launchEnv;
  }

  /** Why the environment cannot be passed to a new process, as TaskEnvironment checks it. */
  private static Optional<String> tooLarge(Map<String, String> launchEnv) {
    Map<String, String> full = new HashMap<>(System.getenv());
    full.putAll(launchEnv);
    try {
      EnvironmentLimits.check(full);
      return Optional.empty();
    } catch (TaskEnvironmentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Kills the process tree of a step a dead worker left running: the process {@code pid} if it is
   * still the one that started at {@code started} (a reused pid is left alone) and still runs. A
   * step that has exited is left alone even before it is reaped, with what it started in the
   * background (a service, say), as when it had been reaped. A running one is killed with what it
   * started, found by the marker read from its environment. Returns whether it killed something.
   */
  public static boolean killLeftover(long pid, Instant started) throws InterruptedException {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive() || ProcessTree.exited(pid)) {
      return false;
    }
    Optional<Instant> actual = handle.get().info().startInstant();
    if (actual.isEmpty() || Math.abs(Duration.between(actual.get(), started).toMillis()) > 1000) {
      return false;
    }
    ProcessTree.kill(handle.get(), ProcessTree.markerOf(pid));
    return true;
  }

  /** What to start: the step, its settings and environment, its script file and its marker. */
  private record Launch(
      Step step, Settings settings, Map<String, String> env, Path script, String marker) {}

  private StepResult run(
      Launch launch,
      StepOutput output,
      StepLog out,
      Redactor redactor,
      StopSignal stop,
      Consumer<ProcessHandle> onStart)
      throws IOException, InterruptedException {
    Step step = launch.step();
    Settings settings = launch.settings();
    long start = System.nanoTime();
    ProcessBuilder pb = processBuilder(launch);
    output.configure(pb);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      String reason = "cannot start " + step.interpreter() + ": " + e.getMessage();
      return notStarted(out, step, redactor.redact(reason), StepResult.CANNOT_START, false);
    }
    try {
      onStart.accept(process.toHandle());
    } catch (RuntimeException e) {
      ProcessTree.kill(process.toHandle(), Optional.of(launch.marker()));
      throw e;
    }
    InputStream stepOutput;
    try {
      stepOutput = output.open(process);
    } catch (IOException e) {
      ProcessTree.kill(process.toHandle(), Optional.of(launch.marker()));
      throw e;
    }
    OutputPump pump = OutputPump.start(stepOutput, out, redactor, step.name());
    Ending ending;
    try {
      ending = await(process, settings, stop);
    } catch (InterruptedException e) {
      ProcessTree.kill(process.toHandle(), Optional.of(launch.marker()));
      out.cutOutput();
      out.note("== " + step.name() + " interrupted; killed its process tree");
      throw e;
    }
    // Only a step that did not end on its own loses what it started: a service that a
    // successful (or failed) step left running is the operator's to keep.
    if (ending != Ending.EXITED) {
      ProcessTree.kill(process.toHandle(), Optional.of(launch.marker()));
    }
    int exitCode = exitCode(process);
    Duration duration = Duration.ofNanos(System.nanoTime() - start);
    drain(pump, out, step);
    if (out.failure() != null) {
      throw out.failure();
    }
    out.note(footer(step, settings, ending, exitCode, duration));
    return new StepResult(
        exitCode,
        duration,
        ending == Ending.TIMED_OUT,
        ending == Ending.STOPPED,
        out.lastLine(),
        true);
  }

  private static ProcessBuilder processBuilder(Launch launch) {
    Step step = launch.step();
    List<String> command = new ArrayList<>();
    ProcessTree.setsid().ifPresent(setsid -> command.add(setsid.toString()));
    command.add(step.interpreter());
    // Like CI runners: a failing command fails the step instead of being silently skipped.
    switch (step.interpreter()) {
      case "sh" -> command.add("-e");
      case "bash" -> command.addAll(List.of("-e", "-o", "pipefail"));
      default -> {}
    }
    command.add(launch.script().toString());
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(launch.settings().workdir().toFile())
            .redirectInput(Redirect.from(new File("/dev/null")));
    pb.environment().putAll(launch.env());
    return pb;
  }

  /**
   * The first of: the process exits, the timeout passes, a stop was requested and the grace period
   * after it passed.
   */
  private static Ending await(Process process, Settings settings, StopSignal stop)
      throws InterruptedException {
    CompletableFuture<Ending> exited = process.onExit().thenApply(p -> Ending.EXITED);
    CompletableFuture<Ending> timedOut =
        new CompletableFuture<Ending>()
            .completeOnTimeout(
                Ending.TIMED_OUT, settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    CompletableFuture<Ending> graceOver = new CompletableFuture<>();
    StopSignal.Registration onStop =
        stop.whenRequested(
            () ->
                graceOver.completeOnTimeout(
                    Ending.STOPPED, settings.grace().toMillis(), TimeUnit.MILLISECONDS));
    try {
      Ending first =
          exited
              .applyToEither(timedOut, Function.identity())
              .applyToEither(graceOver, Function.identity())
              .get();
      // A step that exited just as a timer fired has ended on its own: keep what it left running.
      return process.isAlive() ? first : Ending.EXITED;
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting on a step cannot fail", e);
    } finally {
      onStop.close();
      // Completing the timers also cancels their scheduled tasks.
      timedOut.cancel(false);
      graceOver.cancel(false);
    }
  }

  private static int exitCode(Process process) throws InterruptedException {
    try {
      return process.onExit().get(REAP.toMillis(), TimeUnit.MILLISECONDS).exitValue();
    } catch (ExecutionException | TimeoutException e) {
      return StepResult.KILLED;
    }
  }

  /**
   * Waits briefly for the end of the step's output. A step may leave a background service that
   * holds the pipe: its output is then cut off (still drained, so the service never blocks on a
   * full pipe) and the service is left running.
   */
  private static void drain(OutputPump pump, StepLog out, Step step)
      throws IOException, InterruptedException {
    try {
      pump.ended().get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      out.cutOutput();
      out.note(
          "== "
              + step.name()
              + " left background processes writing to its output; their output is not captured"
              + " (redirect a background service's output to a file of its own)");
    } catch (ExecutionException e) {
      throw new IllegalStateException("the output pump cannot fail", e);
    }
  }

  private static String footer(
      Step step, Settings settings, Ending ending, int exitCode, Duration duration) {
    String name = "== " + step.name();
    return switch (ending) {
      case EXITED -> name + " exited " + exitCode + " after " + human(duration);
      case TIMED_OUT ->
          name + " timed out after " + human(settings.timeout()) + "; killed its process tree";
      case STOPPED ->
          name
              + " stopped: shutdown requested and its grace of "
              + human(settings.grace())
              + " ran out; killed its process tree";
    };
  }

  /** Why the step cannot start at all, before anything runs. */
  private static Optional<String> cannotStart(
      Step step, Settings settings, Map<String, String> env) {
    if (!Files.isDirectory(settings.workdir())) {
      return Optional.of(
          "workdir "
              + settings.workdir()
              + " is not a directory; create it or fix 'workdir:' in the runbook");
    }
    if (onPath(step.interpreter(), env.getOrDefault("PATH", "")).isEmpty()) {
      return Optional.of(
          step.interpreter()
              + " is not installed (not found on PATH); install it or use another interpreter in "
              + step.origin());
    }
    return Optional.empty();
  }

  private static Optional<Path> onPath(String program, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, program);
        if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code attempt-1.log} and deploy#1 give {@code attempt-1.deploy-1}, for files beside the log.
   */
  private static String fileBaseName(Step step, Path log) {
    String logName = log.getFileName().toString();
    String prefix = logName.endsWith(".log") ? logName.substring(0, logName.length() - 4) : logName;
    return prefix + "." + step.phase().wireName() + "-" + step.index();
  }

  /** Writes the step's script, readable and runnable by the worker's user only. */
  private static Path writeScript(Step step, Path script) throws IOException {
    Files.writeString(script, step.script() + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the script runs through its interpreter anyway.
    }
    return script;
  }

  private static String extension(String interpreter) {
    return switch (interpreter) {
      case "python3" -> ".py";
      case "node" -> ".js";
      case "perl" -> ".pl";
      default -> ".sh";
    };
  }

  private static StepResult notStarted(
      StepLog out, Step step, String reason, int exitCode, boolean stopped) throws IOException {
    out.note("== " + step.name() + " " + reason);
    return new StepResult(exitCode, Duration.ZERO, false, stopped, reason, false);
  }

  /** 500ms, 30s, 5m, 1h, or 1.234s. */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return String.format(Locale.ROOT, "%.3fs", ms / 1000.0);
  }
}

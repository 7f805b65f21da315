package dev.taskboard.devops.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StepRunner#killLeftover}: what a restarted worker does with the step a dead worker was
 * running. The step leads its own process group and has started a background process in it (as a
 * deploy step starts a service).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeftoverStepTest {
  /**
   * Forks a child that leads its own process group, starts {@code sleep 300} in the background in
   * that group (its pid to the file named by the first argument) and exits. The parent never reaps
   * the child: it stays a zombie, as a dead worker's finished step does until PID 1 gets to it. The
   * parent prints the child's pid once SIGCHLD has said it exited, then waits for its stdin to
   * close.
   */
  private static final String FINISHED_STEP =
      String.join(
          "\n",
          "use POSIX qw(:signal_h);",
          "$| = 1;",
          "my $file = shift;",
          "my $exited = 0;",
          "my $old = POSIX::SigSet->new;",
          "sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGCHLD), $old);",
          "$SIG{CHLD} = sub { $exited = 1 };",
          "my $child = fork();",
          "die \"fork: $!\" unless defined $child;",
          "if ($child == 0) {",
          "  sigprocmask(SIG_SETMASK, $old);",
          "  setpgrp(0, 0);",
          "  exec('sh', '-c', 'sleep 300 </dev/null >/dev/null 2>&1 & echo $! > \"$0\"', $file);",
          "  POSIX::_exit(127);",
          "}",
          "sigsuspend($old) until $exited;",
          "print \"$child\\n\";",
          "my $wait = <STDIN>;");

  @TempDir Path dir;

  @Test
  void killLeftover_stepStillRunning_killsItAndItsGroup() throws Exception {
    Process step =
        new ProcessBuilder(
                "setsid", "sh", "-c", "sleep 300 </dev/null >/dev/null 2>&1 & echo $!; wait")
            .start();
    try {
      ProcessHandle background = ProcessHandle.of(firstLine(step)).orElseThrow();
      Instant started = step.toHandle().info().startInstant().orElseThrow();

      assertTrue(StepRunner.killLeftover(step.pid(), started));

      assertTrue(step.waitFor(30, TimeUnit.SECONDS), "the step was killed");
      background.onExit().get(30, TimeUnit.SECONDS); // killed with its group, then reaped
    } finally {
      step.destroyForcibly();
    }
  }

  /** What the dead worker's step started through setsid was re-parented: its marker finds it. */
  @Test
  void killLeftover_stepStillRunning_killsWhatItStartedThroughSetsid() throws Exception {
    Path orphan = Steps.fifo(dir.resolve("orphan"));
    String u = Steps.unique();
    ProcessBuilder pb =
        new ProcessBuilder(
            "setsid",
            "sh",
            "-c",
            "( setsid sh -c 'echo $$ > \"$0\"; exec sleep \"1000.$U\"' \"$0\" & ); read p < \"$0\";"
                + " echo $p; exec sleep \"1000.$U\"",
            orphan.toString());
    pb.environment().put("U", u);
    pb.environment().put(ProcessTree.MARKER, ProcessTree.newMarker());
    Process step = pb.start();
    try {
      long stray = firstLine(step);
      Instant started = step.toHandle().info().startInstant().orElseThrow();
      // The stray writes its pid before its exec; while it execs, /proc shows no environment to
      // find its marker in. Wait (bounded) until it runs its sleep, as a leftover step's would.
      assertTrue(
          Steps.awaitRunningWith("1000." + u, now -> now.contains(stray), Duration.ofSeconds(10))
              .contains(stray),
          "the stray runs its sleep");

      assertTrue(StepRunner.killLeftover(step.pid(), started));

      assertTrue(step.waitFor(30, TimeUnit.SECONDS), "the step was killed");
      assertEquals(List.of(), Steps.stillRunning(List.of(stray), Duration.ofSeconds(20)));
      assertEquals(
          List.of(), Steps.stillRunning(Steps.runningWith("1000." + u), Duration.ofSeconds(20)));
    } finally {
      step.destroyForcibly();
    }
  }

  /**
   * The crash torture found it: a step that ran to its end while no worker was there is a zombie
   * until PID 1 reaps it (seconds, on some machines), and the restarted worker took it for a
   * running step, killed its process group — and with it what the step had started in the
   * background — and logged that it killed the dead worker's step.
   */
  @Test
  void killLeftover_stepExitedButNotYetReaped_leavesItsGroupAlone() throws Exception {
    Path backgroundPid = dir.resolve("background.pid");
    Process parent =
        new ProcessBuilder("perl", "-e", FINISHED_STEP, backgroundPid.toString()).start();
    ProcessHandle background = null;
    try {
      long step = firstLine(parent);
      background =
          ProcessHandle.of(Long.parseLong(Files.readString(backgroundPid).strip())).orElseThrow();
      ProcessHandle zombie = ProcessHandle.of(step).orElseThrow();
      assertTrue(zombie.isAlive(), "an unreaped process still counts as alive for the JDK");
      Instant started = zombie.info().startInstant().orElseThrow();

      assertFalse(StepRunner.killLeftover(step, started), "nothing was running to kill");

      assertTrue(running(background), "the finished step's background process still runs");
    } finally {
      if (background != null) {
        background.destroyForcibly();
      }
      parent.destroyForcibly();
    }
  }

  private static long firstLine(Process p) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null) {
      throw new IOException(
          "no pid printed: "
              + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    return Long.parseLong(line.strip());
  }

  /** Running, not a zombie that was killed and waits to be reaped. */
  private static boolean running(ProcessHandle h) throws IOException {
    if (!h.isAlive()) {
      return false;
    }
    String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
  }
}

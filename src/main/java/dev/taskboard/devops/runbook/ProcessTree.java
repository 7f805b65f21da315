package dev.taskboard.devops.runbook;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Kills a step with everything it started: its process group and its descendants. */
final class ProcessTree {
  private static final List<Path> SETSID =
      List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
  private static final long KILL_COMMAND_SECONDS = 5;

  private ProcessTree() {}

  /** {@code setsid}, when this machine has it: a step started through it leads its own group. */
  static Optional<Path> setsid() {
    return SETSID.stream().filter(Files::isExecutable).findFirst();
  }

  /**
   * Kills {@code process} and its tree. The descendants are listed before anything is killed (a
   * killed parent's children are re-parented and no longer show as descendants); the group kill
   * also reaches processes that were already re-parented. The group is signalled only when the
   * process leads it, so the worker's own group is never hit.
   */
  static void kill(Process process) throws InterruptedException {
    kill(process.toHandle());
  }

  /** The same for a process that need not be this JVM's child (a dead worker's step). */
  static void kill(ProcessHandle process) throws InterruptedException {
    List<ProcessHandle> descendants = process.descendants().toList();
    if (leadsItsGroup(process.pid())) {
      killGroup(process.pid());
    }
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Whether {@code pid} has exited and only waits to be reaped (a zombie), read from /proc (Linux;
   * elsewhere false). A dead worker's step is re-parented to PID 1, which may reap it only seconds
   * after it exits, and until then {@link ProcessHandle#isAlive()} still says true.
   */
  static boolean exited(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state == 'Z' || state == 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Reads the group id from /proc (Linux); elsewhere the group is left to the descendants. */
  static boolean leadsItsGroup(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // After "pid (comm)": state, ppid, pgrp. comm may contain spaces and parentheses.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[2]) == pid;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void killGroup(long pgid) throws InterruptedException {
    ProcessBuilder kill =
        new ProcessBuilder("sh", "-c", "kill -s KILL -- \"-$1\"", "kill", Long.toString(pgid))
            .redirectErrorStream(true)
            .redirectOutput(Redirect.DISCARD);
    try {
      Process p = kill.start();
      if (!p.waitFor(KILL_COMMAND_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      // No shell to signal the group: the descendants listed before are still destroyed.
    }
  }
}

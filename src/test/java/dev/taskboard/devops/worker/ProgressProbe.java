package dev.taskboard.devops.worker;

import java.time.Clock;

/**
 * A process that shows one progress line the way the worker does when it runs a step, then says
 * whether it took stderr for a terminal: run by {@link ProgressTerminalTest} under script(1).
 */
public final class ProgressProbe {
  private ProgressProbe() {}

  public static void main(String[] args) {
    Progress progress = Progress.forTerminal(Clock.systemUTC());
    progress.started("T-1", "deploy#1", null);
    if (progress instanceof Progress.OnTerminal shown) {
      shown.draw();
    }
    progress.finished();
    progress.close();
    System.err.println("terminal=" + (progress instanceof Progress.OnTerminal));
    System.err.flush();
  }
}

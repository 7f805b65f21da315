package dev.taskboard.devops.hitl;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * One escalating process of {@link MultiProcessEscalateTest}: {@code EscalateLoop FILE PROC N}
 * escalates {@link #escalation}s 0 to N-1 of process PROC, then escalation 0 again with the ref it
 * first got, which must return that entry.
 *
 * <p>It prints {@code ready} once its classes are loaded and waits for a line on stdin, so that
 * every process starts at the same moment. Exits 1 when the repeated escalation got another id.
 */
final class EscalateLoop {
  private EscalateLoop() {}

  public static void main(String[] args) throws Exception {
    HumanRequests requests = new HumanRequests(Path.of(args[0]), Clock.systemUTC());
    int proc = Integer.parseInt(args[1]);
    int calls = Integer.parseInt(args[2]);
    requests.entries();
    System.out.println("ready");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, UTF_8)).readLine();

    Entry first = null;
    for (int n = 0; n < calls; n++) {
      Entry entry = requests.escalate(escalation(proc, n));
      first = first == null ? entry : first;
    }
    Entry again = requests.escalate(escalation(proc, 0), first.ref().orElseThrow());
    if (!again.ref().equals(first.ref())) {
      System.err.println("EscalateLoop " + proc + ": " + again.id() + " instead of " + first.id());
      System.exit(1);
    }
    System.exit(0);
  }

  static Escalation escalation(int proc, int n) {
    return new Escalation(
        key(proc, n),
        "Request " + n + " of process " + proc,
        "Agent Clarification",
        Priority.MEDIUM,
        String.format("TASK-%d%02d", proc, n),
        "Question " + n + "?",
        List.of("asked by process " + proc));
  }

  static String key(int proc, int n) {
    return "P" + proc + "/" + n;
  }
}

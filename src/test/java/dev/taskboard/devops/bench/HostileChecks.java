package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskboard.devops.bench.HostileTasks.Fed;
import dev.taskboard.devops.bench.HostileTasks.Kind;
import dev.taskboard.devops.journal.JournalEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The invariants {@link HostileTorture} checks once the daemon is stopped and run --once ran. */
final class HostileChecks {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> SETTLED = Set.of("deployed", "done", "failed", "blocked");

  private final HostileTorture t;
  private final HostileReport r;
  private final HostileTasks tasks;
  private final RequestsVandal vandal;
  private final Path readerRecord;
  private final HostileGenerator.Scene scene;

  HostileChecks(
      HostileTorture t,
      HostileTasks tasks,
      RequestsVandal vandal,
      Path readerRecord,
      HostileGenerator.Scene scene) {
    this.t = t;
    this.r = t.report;
    this.tasks = tasks;
    this.vandal = vandal;
    this.readerRecord = readerRecord;
    this.scene = scene;
  }

  /** What the worker's verified journal says of one task. */
  private static final class Story {
    int claims;
    int requeues;
    int restores;
    int deploySteps;
    String lastOutcome;
    final List<String> outcomes = new ArrayList<>();
  }

  void check() throws IOException {
    // --- the daemon itself
    r.row(
        "daemon never stopped on its own",
        "the daemon ran from start to SIGTERM (polled every second), through the whole stream",
        r.daemonRanThrough ? "ran " + r.runMs / 1000 + " s + drain" : "exited early",
        r.daemonRanThrough);
    boolean term = r.termExit != null && r.termExit == 143;
    r.row(
        "SIGTERM stops it",
        "after the drain, SIGTERM ends the daemon with exit 143",
        "exit " + r.termExit + " after " + r.termMs + " ms",
        term);
    if (!term) {
      r.violation("SIGTERM: exit " + r.termExit + " after " + r.termMs + " ms (expected 143)");
    }
    r.row(
        "final `run --once`",
        "a last one-shot run over what the daemon and the hostile writers left exits 0",
        "exit " + r.onceExit + " after " + r.onceMs + " ms",
        r.onceExit == 0);
    if (r.onceExit != 0) {
      r.violation("run --once exited " + r.onceExit + ": " + HostileTorture.tail(logs("once")));
    }
    r.row(
        "drain settled",
        "after the generators stopped, no fed task stayed pending or in_progress for 12 s (capped"
            + " at 5 min)",
        r.drainSettled
            ? "settled after " + r.drainMs + " ms"
            : "not settled in " + r.drainMs + " ms",
        r.drainSettled);
    if (!r.drainSettled) {
      r.violation("the board did not settle within " + r.drainMs + " ms after the stream stopped");
    }

    // --- the final board
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readAllBytes(t.board));
    } catch (IOException e) {
      r.violation("the final board does not parse: " + e.getMessage());
      r.row("final board parses", "Jackson parses the board at the end", "no", false);
      return;
    }
    Map<String, JsonNode> onBoard = new LinkedHashMap<>();
    List<String> dupes = new ArrayList<>();
    List<String> inProgress = new ArrayList<>();
    for (JsonNode task : root) {
      String key = HostileTasks.key(task.path("id"));
      if (onBoard.put(key, task) != null) {
        dupes.add(printable(key));
      }
      if (HostileTasks.WORKER.equals(task.path("agent").asText())
          && "in_progress".equals(task.path("status").asText())) {
        inProgress.add(printable(key));
      }
    }
    r.row(
        "final board parses, ids unique",
        "Jackson parses the final board; no id (string or number form) appears twice",
        root.size() + " tasks, " + dupes.size() + " duplicate id(s)",
        dupes.isEmpty());
    if (!dupes.isEmpty()) {
      r.violation("duplicate ids on the final board: " + dupes);
    }
    r.row(
        "no DevOps task left in_progress",
        "no DevOps-Engineer task (fed, follow-up or other) is in_progress at the end",
        inProgress.size() + " in_progress",
        inProgress.isEmpty());
    if (!inProgress.isEmpty()) {
      r.violation("DevOps tasks left in_progress: " + inProgress);
    }

    // --- the journal, as the worker reads it
    Map<String, Story> stories = new HashMap<>();
    List<JournalEvent> events = t.journalEvents();
    int compacted = 0;
    List<String> actedOnForgery = new ArrayList<>();
    for (JournalEvent e : events) {
      Story s = stories.computeIfAbsent(e.task(), k -> new Story());
      if (e instanceof JournalEvent.Claim c) {
        s.claims++;
        if ("forger".equals(c.host())) {
          actedOnForgery.add("claim of " + printable(e.task()));
        }
      } else if (e instanceof JournalEvent.Requeue) {
        s.requeues++;
      } else if (e instanceof JournalEvent.Restore) {
        s.restores++;
      } else if (e instanceof JournalEvent.StepStarted st && st.step().startsWith("deploy#")) {
        s.deploySteps++;
      } else if (e instanceof JournalEvent.Outcome o) {
        s.lastOutcome = o.status();
        s.outcomes.add(o.status());
        if (o.message() != null && o.message().contains("(forged)")) {
          actedOnForgery.add("outcome of " + printable(e.task()));
        }
      } else if (e instanceof JournalEvent.Summary sum) {
        s.lastOutcome = sum.status();
        s.outcomes.add(sum.status());
        compacted++;
      } else if (e instanceof JournalEvent.State st) {
        compacted++;
        if (st.outcome() != null && !st.outcome().isEmpty()) {
          s.lastOutcome = st.outcome();
        }
      } else if (e instanceof JournalEvent.Decided d) {
        if ("forger".equals(d.principal()) || String.valueOf(d.text()).contains("(forged)")) {
          actedOnForgery.add("decision " + d.decision() + " on " + printable(e.task()));
        }
      }
    }
    r.note("journal events the worker reads (sealed, verified)", events.size() + "");
    r.note("compaction records among them (summary/state)", compacted + "");

    // --- every fed task
    Map<String, Integer> finalStates = new TreeMap<>();
    Map<String, Integer> byKind = new TreeMap<>();
    List<String> wrongState = new ArrayList<>();
    List<String> catchAll = new ArrayList<>();
    List<String> journalDisagrees = new ArrayList<>();
    List<String> claimedTwice = new ArrayList<>();
    int droppedBefore = 0;
    int droppedAfter = 0;
    Map<String, Integer> deployMarks = marks("deploy.marks");
    Map<String, Integer> evilMarks = marks("evil.marks");
    List<String> deployedTwice = new ArrayList<>();
    List<String> productionDeployed = new ArrayList<>();
    for (Fed f : tasks.fed.values()) {
      String idText = f.id().asText();
      Story s = stories.getOrDefault(idText, new Story());
      JsonNode task = onBoard.get(f.key());
      int marksOf = deployMarks.getOrDefault(f.tag(), 0);
      if (marksOf > 1) {
        deployedTwice.add(printable(f.key()) + " (" + marksOf + " deploy marks)");
      }
      if (f.kind() == Kind.PRODUCTION && (marksOf > 0 || s.deploySteps > 0)) {
        productionDeployed.add(printable(f.key()));
      }
      if (task == null) {
        if (s.claims == 0 && s.lastOutcome == null) {
          droppedBefore++;
        } else {
          droppedAfter++;
        }
        continue;
      }
      String status = task.path("status").asText();
      finalStates.merge(status, 1, Integer::sum);
      byKind.merge(f.kind().name().toLowerCase() + " → " + status, 1, Integer::sum);
      String message = task.path("result").path("message").asText("");
      if (message.contains(HostileTorture.CATCH_ALL)) {
        catchAll.add(printable(f.key()) + ": " + printable(message));
      }
      String why = expected(f, status, task, marksOf, s);
      if (why != null) {
        wrongState.add(printable(f.key()) + " (" + f.kind() + "): " + why);
      }
      if (SETTLED.contains(status) && s.lastOutcome != null && !status.equals(s.lastOutcome)) {
        journalDisagrees.add(
            printable(f.key()) + ": board " + status + ", journal " + s.lastOutcome);
      } else if (SETTLED.contains(status) && s.lastOutcome == null) {
        journalDisagrees.add(printable(f.key()) + ": board " + status + ", no journal outcome");
      }
      if (s.claims > 1 + s.requeues) {
        claimedTwice.add(printable(f.key()) + " (" + s.claims + " claims)");
      }
    }
    int fedCount = tasks.fed.size();
    boolean allSettled = wrongState.isEmpty();
    r.row(
        "every fed task in the terminal state its input calls for",
        "plain and odd-id tasks `done`; failing ones `failed`; huge payloads `failed` before any"
            + " step, no rollback claimed; a foreign runbook not `done`; staging `deployed`;"
            + " production (no signed approval) `blocked`",
        fedCount
            + " fed, "
            + (fedCount - droppedBefore - droppedAfter)
            + " on the final board "
            + finalStates
            + ", "
            + wrongState.size()
            + " wrong",
        allSettled);
    wrongState.forEach(w -> r.violation("wrong final state: " + w));
    r.row(
        "board status = journal's last outcome",
        "for every fed task on the board, its status equals the last outcome the worker journaled",
        journalDisagrees.size() + " disagree",
        journalDisagrees.isEmpty());
    journalDisagrees.forEach(w -> r.violation("board and journal disagree: " + w));
    r.row(
        "no task claimed twice, no deploy ran twice",
        "at most one journaled claim per task (unless re-queued), at most one deploy mark per task",
        claimedTwice.size() + " claimed twice, " + deployedTwice.size() + " deployed twice",
        claimedTwice.isEmpty() && deployedTwice.isEmpty());
    claimedTwice.forEach(w -> r.violation("claimed twice: " + w));
    deployedTwice.forEach(w -> r.violation("deployed twice: " + w));
    r.row(
        "production never deployed without a signed approval",
        "no production task has a deploy mark or a journaled deploy step; forged plain approvals,"
            + " forged HITL-999 entries and forged journal decisions deploy nothing",
        productionDeployed.size()
            + " deployed, "
            + vandal.forgedApprovals.size()
            + " forged plain approvals written",
        productionDeployed.isEmpty());
    productionDeployed.forEach(w -> r.violation("production deployed without approval: " + w));
    int twins = (int) count(tasks, "string twin refused");
    r.row(
        "string twins of numeric ids refused",
        "adding `\"N\"` beside a numeric id `N` through the board API is refused",
        twins + " refused, " + tasks.twinsAccepted.size() + " accepted",
        tasks.twinsAccepted.isEmpty());
    tasks.twinsAccepted.forEach(w -> r.violation("a string twin was accepted: " + w));
    int evil = evilMarks.values().stream().mapToInt(Integer::intValue).sum();
    r.row(
        "a runbook file named in a payload never ran",
        "no step of `evil.md` (a runbook file the operator never named) ran",
        evil + " marks of evil.md, " + count(tasks, "foreign_runbook") + " tasks named it",
        evil == 0);
    if (evil > 0) {
      r.violation("steps of evil.md ran: " + evilMarks);
    }
    r.row(
        "forged or replayed journal lines never acted on",
        "no verified journal event comes from a forged line (host or principal `forger`, message or"
            + " text `(forged)`), and the worker skipped them with a warning",
        actedOnForgery.size()
            + " acted on; "
            + warnings("skipped a journal line")
            + " skip warnings in the daemon logs",
        actedOnForgery.isEmpty());
    actedOnForgery.forEach(w -> r.violation("a forged journal line was acted on: " + w));
    r.row(
        "no catch-all failure",
        "no task ends with \"" + HostileTorture.CATCH_ALL + "\" (an error the worker did not name)",
        catchAll.size() + " task(s)",
        catchAll.isEmpty());
    catchAll.forEach(w -> r.violation("catch-all failure: " + w));

    // --- the logs
    List<String> raw = new ArrayList<>();
    for (String name : List.of("daemon.log", "daemon-once.log")) {
      raw.addAll(rawControls(t.logs.resolve(name)));
    }
    r.row(
        "no raw control characters in the daemon's log",
        "no C0/C1 control byte (other than tab and newline), DEL, or bidi override in daemon.log"
            + " and daemon-once.log",
        raw.size() + " line(s)",
        raw.isEmpty());
    raw.stream().limit(10).forEach(w -> r.violation("raw control characters in a log line: " + w));

    // --- the locked reader
    Map<String, Long> reader = new HashMap<>();
    List<String> badReads = new ArrayList<>();
    int inWindow = 0;
    for (String line : Files.readAllLines(readerRecord, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", 3);
      if (f[0].equals("fail")) {
        long at = Long.parseLong(f[1]);
        if (scene.within(scene.tornBoard, at, 250)) {
          inWindow++;
        } else {
          badReads.add(f[1] + " " + f[2]);
        }
      } else if (f.length == 2) {
        reader.put(f[0], Long.parseLong(f[1]));
      }
    }
    r.row(
        "every board version parses under the lock",
        "a separate process reads the board under the fcntl lock and parses each new version;"
            + " only versions inside a deliberate half-written window may fail",
        reader.getOrDefault("versions", 0L)
            + " versions in "
            + reader.getOrDefault("reads", 0L)
            + " locked reads; "
            + inWindow
            + " failed inside a half-written window, "
            + badReads.size()
            + " outside",
        badReads.isEmpty());
    badReads.stream().limit(10).forEach(w -> r.violation("a locked read did not parse: " + w));

    // --- observations
    r.note("fed tasks by kind → final status", byKind.toString());
    r.note(
        "fed tasks a lock-ignoring rewrite dropped from the board (before / after the worker saw"
            + " them)",
        droppedBefore + " / " + droppedAfter);
    r.note(
        "board API refusals of a fed task (not fed)",
        tasks.refusedByBoard.size()
            + (tasks.refusedByBoard.isEmpty() ? "" : ": " + tasks.refusedByBoard.subList(0, 1)));
    r.note("stale copies the worker restored (journal `restore` events)", restores(stories) + "");
    r.note("half-written board windows", scene.tornBoard.size() + "");
    r.note("cp1252 windows in human-requests.md", scene.badRequests.size() + "");
    r.note("daemon log lines with ` ERROR `", warnings(" ERROR ") + "");
    r.note("daemon log lines with ` WARN `", warnings(" WARN ") + "");
    r.note(
        "daemon log lines naming the human-requests.md byte (`not UTF-8`/`cp1252`)",
        warnings("UTF-8") + "");
    r.note(
        "deploy marks / rollback marks", sum(deployMarks) + " / " + sum(marks("rollback.marks")));
    r.note(
        "worker events glued to an unterminated tamper line (lost on the next read of the"
            + " journal)",
        glued()
            + " (the final run --once warned \"lines before it are missing\" "
            + warnings("lines before it are missing")
            + " times)");
    r.note("final size of the board / human-requests.md / journal", sizes());
  }

  /** Why {@code status} is not what the input calls for, or null when it is. */
  private static String expected(Fed f, String status, JsonNode task, int marks, Story s) {
    if (!SETTLED.contains(status)) {
      return "status " + status + ", not a settled state";
    }
    String message = task.path("result").path("message").asText("");
    switch (f.kind()) {
      case PLAIN, DOT_ID, LONG_ID, CONTROL_ID, NUMERIC_ID -> {
        return status.equals("done") ? null : "expected done, is " + status + ": " + message;
      }
      case FAILING -> {
        return status.equals("failed") ? null : "expected failed, is " + status + ": " + message;
      }
      case HUGE_PAYLOAD -> {
        if (!status.equals("failed")) {
          return "expected failed, is " + status + ": " + message;
        }
        if (marks > 0) {
          return "a deploy step ran for a payload too large for the kernel";
        }
        JsonNode rollback = task.path("result").path("deployment_info").path("rollback_performed");
        return rollback.asBoolean(false) ? "rollback_performed true though no step ran" : null;
      }
      case FOREIGN_RUNBOOK -> {
        return status.equals("done") || status.equals("deployed")
            ? "a task naming a runbook file no operator named ended " + status
            : null;
      }
      case STAGING -> {
        return status.equals("deployed")
            ? null
            : "expected deployed, is " + status + ": " + message;
      }
      case PRODUCTION -> {
        return status.equals("blocked")
            ? null
            : "expected blocked (no signed approval), is " + status + ": " + message;
      }
      default -> {
        return null;
      }
    }
  }

  private static int restores(Map<String, Story> stories) {
    return stories.values().stream().mapToInt(s -> s.restores).sum();
  }

  private static int sum(Map<String, Integer> m) {
    return m.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static long count(HostileGenerator g, String kind) {
    var c = g.done.get(kind);
    return c == null ? 0 : c.get();
  }

  private Map<String, Integer> marks(String file) throws IOException {
    Map<String, Integer> m = new HashMap<>();
    Path p = t.marks.resolve(file);
    if (!Files.exists(p)) {
      return m;
    }
    for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        m.merge(line.split(" ", 2)[0], 1, Integer::sum);
      }
    }
    return m;
  }

  private Path logs(String which) {
    return t.logs.resolve(which.equals("once") ? "daemon-once.log" : "daemon.log");
  }

  private long warnings(String needle) throws IOException {
    long n = 0;
    for (String name : List.of("daemon.log", "daemon-once.log")) {
      Path p = t.logs.resolve(name);
      if (Files.exists(p)) {
        n +=
            Files.readAllLines(p, StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.contains(needle))
                .count();
      }
    }
    return n;
  }

  /** Lines of {@code log} holding a control character other than tab, or a bidi control. */
  static List<String> rawControls(Path log) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.exists(log)) {
      return out;
    }
    String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      boolean bad =
          line.codePoints()
              .anyMatch(
                  c ->
                      (c < 0x20 && c != '\t')
                          || (c >= 0x7f && c < 0xa0)
                          || (c >= 0x202a && c <= 0x202e)
                          || (c >= 0x2066 && c <= 0x2069));
      if (bad) {
        out.add(log.getFileName() + ":" + number + ": " + printable(line));
      }
    }
    return out;
  }

  /**
   * Journal lines where a sealed event of the worker's (not one of the tamperer's forged lines)
   * follows a torn line the tamperer left without a line ending: the worker ends a torn line only
   * when it opens the journal, so an append that lands after such a fragment joins its line.
   */
  private long glued() throws IOException {
    if (!Files.exists(t.journal)) {
      return 0;
    }
    return new String(Files.readAllBytes(t.journal), StandardCharsets.UTF_8)
        .lines()
        .filter(l -> l.contains("\"event\":\"cla{\"ts\""))
        .filter(l -> l.contains("\"mac\":\"") && !l.contains("forge"))
        .count();
  }

  private String sizes() {
    try {
      return Files.size(t.board)
          + " / "
          + Files.size(t.requests)
          + " / "
          + (Files.exists(t.journal) ? Files.size(t.journal) : 0)
          + " bytes";
    } catch (IOException e) {
      return "?";
    }
  }

  private static String printable(String s) {
    String p = HostileTasks.printable(s);
    return p.length() > 80 ? p.substring(0, 77) + "…" : p;
  }
}

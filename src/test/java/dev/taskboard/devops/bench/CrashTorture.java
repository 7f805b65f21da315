package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Crash torture: a real {@code devops-worker run} daemon is killed with SIGKILL ({@code kill -9})
 * at random moments, again and again, while it works through a board of pending tasks; then a last
 * {@code run --once} finishes the work, and the board, the journal and the runbook's side effects
 * are checked for the worker's crash guarantees (README, "Stopping and crashes").
 *
 * <pre>
 * mvn -B -q -DskipTests package test-compile &amp;&amp; java -cp target/devops-worker.jar:target/test-classes dev.taskboard.devops.bench.CrashTorture [--kills 50] [--seed N] [--out DIR] [--doc FILE|-]
 * </pre>
 *
 * <p>{@code --out DIR}: where the scratch project (board, runbook, state dir, marks, daemon logs)
 * goes and stays for inspection (default: a new temp directory). {@code --doc}: the Markdown report
 * (default {@code docs/reliability.md}; {@code -} for none). Exit 0 when every invariant held, 1
 * when one failed (the evidence is printed), 2 on bad arguments or set-up failures.
 *
 * <p>Each cycle: start the daemon on a copy of the jar, wait a random 50–1500 ms (the chaos delay,
 * not synchronisation), snapshot the daemon's descendants (its running step), {@link
 * Process#destroyForcibly()} it, then kill whichever of the snapshot survived (the harness does
 * this itself rather than relying on the next start). After each kill the board and journal the
 * next start will see are checked.
 */
public final class CrashTorture {
  static final String COMMAND =
      "mvn -B -q -DskipTests package test-compile && java -cp"
          + " target/devops-worker.jar:target/test-classes"
          + " dev.taskboard.devops.bench.CrashTorture";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int TASKS = 40;
  private static final Set<String> TERMINAL = Set.of("deployed", "done", "failed");
  private static final Set<String> KNOWN =
      Set.of("pending", "in_progress", "deployed", "done", "failed", "blocked");

  private final int kills;
  private final long seed;
  private final Path out;
  private final Path doc;
  private final String args;
  private final Random rnd;

  private Path project;
  private Path board;
  private Path runbook;
  private Path state;
  private Path marks;
  private Path logs;
  private Path jar;
  private final String java =
      Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath().toString();

  /** The other agents' entries as they started: id → bytes. */
  private final Map<String, byte[]> othersAtStart = new LinkedHashMap<>();

  private final List<String> crashIds = new ArrayList<>();

  /** Every invariant that failed, with its evidence. */
  private final List<String> violations = new ArrayList<>();

  private final List<Cycle> cycles = new ArrayList<>();

  /** One kill cycle as observed afterwards. */
  record Cycle(
      int n,
      long delayMs,
      String exit,
      int leftoverSteps,
      int leftoverKilled,
      int pending,
      int inProgress,
      int terminal,
      int journalAhead,
      int tornJournalLines,
      boolean boardParses,
      int problems) {}

  private CrashTorture(int kills, long seed, Path out, Path doc, String args) {
    this.kills = kills;
    this.seed = seed;
    this.out = out;
    this.doc = doc;
    this.args = args;
    this.rnd = new Random(seed);
  }

  public static void main(String[] argv) throws Exception {
    int kills = 50;
    long seed = System.nanoTime() & 0xFFFFFFFL;
    Path out = null;
    Path doc = Path.of("docs", "reliability.md");
    List<String> shown = new ArrayList<>();
    try {
      for (int i = 0; i < argv.length; i++) {
        switch (argv[i]) {
          case "--kills" -> kills = Integer.parseInt(argv[++i]);
          case "--seed" -> seed = Long.parseLong(argv[++i]);
          case "--out" -> out = Path.of(argv[++i]);
          case "--doc" -> doc = argv[++i].equals("-") ? null : Path.of(argv[i]);
          default -> throw new IllegalArgumentException("unknown argument " + argv[i]);
        }
      }
    } catch (RuntimeException e) {
      System.err.println(
          "crash-torture: "
              + e.getMessage()
              + "; usage: CrashTorture [--kills N] [--seed N] [--out DIR] [--doc FILE|-]");
      System.exit(2);
      return;
    }
    shown.add("--kills " + kills);
    shown.add("--seed " + seed);
    if (out == null) {
      out = Files.createTempDirectory("crash-torture-");
    } else {
      shown.add("--out " + out);
    }
    Files.createDirectories(out);
    CrashTorture t =
        new CrashTorture(kills, seed, out.toAbsolutePath(), doc, String.join(" ", shown));
    int rc;
    try {
      rc = t.run();
    } finally {
      DaemonProcess.stopAll();
    }
    System.exit(rc);
  }

  // ------------------------------------------------------------------------------------------

  private int run() throws Exception {
    long t0 = System.nanoTime();
    String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
    String loadBefore = load();
    setUp();
    log("scratch project " + project + ", seed " + seed + ", " + kills + " kills");

    for (int n = 1; n <= kills; n++) {
      cycles.add(cycle(n));
    }

    // The last start: run --once and let it finish.
    Path stderr = logs.resolve("daemon-final-once.log");
    long f0 = System.nanoTime();
    DaemonProcess last = DaemonProcess.start(command(true), project, stderr, stderr);
    int onceExit;
    try {
      onceExit = last.await(Duration.ofMinutes(10));
    } catch (IllegalStateException tooLong) {
      violation("final run --once: " + tooLong.getMessage());
      onceExit = -1;
    }
    long finalMs = (System.nanoTime() - f0) / 1_000_000;
    if (onceExit != 0) {
      violation("final run --once exited " + onceExit + " (log " + stderr + ")");
    }
    Final fin = finalChecks();
    long totalMs = (System.nanoTime() - t0) / 1_000_000;

    String report = report(date, loadBefore, load(), onceExit, finalMs, totalMs, fin);
    System.out.println(report);
    if (doc != null) {
      Files.createDirectories(doc.toAbsolutePath().getParent());
      Files.writeString(doc, report, StandardCharsets.UTF_8);
      log("wrote " + doc);
    }
    if (!violations.isEmpty()) {
      System.err.println("crash-torture: " + violations.size() + " invariant violation(s):");
      violations.forEach(v -> System.err.println("  - " + v));
      return 1;
    }
    log("all invariants held");
    return 0;
  }

  private void setUp() throws IOException {
    project = out.resolve("project");
    if (Files.exists(project)) {
      throw new IOException(project + " exists already; give a fresh --out");
    }
    Files.createDirectories(project.resolve("board"));
    marks = Files.createDirectories(project.resolve("marks"));
    logs = Files.createDirectories(out.resolve("logs"));
    state = project.resolve("state");
    board = project.resolve("board").resolve("tasks.json");
    runbook = project.resolve("deployment.md");

    Path built = Path.of("target", "devops-worker.jar");
    if (!Files.isRegularFile(built)) {
      throw new IOException(built + " is missing: run `mvn -B -q -DskipTests package` first");
    }
    jar = out.resolve("devops-worker.jar");
    Files.copy(built, jar, StandardCopyOption.REPLACE_EXISTING);

    byte[] bytes = CrashBoard.build(60_000, TASKS, seed);
    Files.write(board, bytes);
    for (CrashBoard.Span s : CrashBoard.spans(bytes)) {
      if (s.id().startsWith(CrashBoard.PREFIX)) {
        crashIds.add(s.id());
      } else {
        othersAtStart.put(s.id(), s.bytes(bytes));
      }
    }
    Files.writeString(runbook, runbookText(), StandardCharsets.UTF_8);
    log(
        "board: "
            + othersAtStart.size()
            + " other tasks, "
            + crashIds.size()
            + " pending "
            + DaemonBoard.BENCH_TYPE
            + " tasks, "
            + bytes.length
            + " bytes");
  }

  /** The runbook: no gates, one attempt, a deploy that sleeps 0–299 ms and leaves a mark. */
  static String runbookText() {
    return String.join(
        "\n",
        "# Crash torture runbook",
        "",
        "Written by CrashTorture; the worker runs the fenced blocks.",
        "",
        "## gates",
        "",
        "```settings",
        "staging:",
        "production:",
        "```",
        "",
        "## defaults",
        "",
        "```settings",
        "timeout: 1m",
        "attempts: 1",
        "backoff: 1s",
        "grace: 5s",
        "```",
        "",
        "## infrastructure_update",
        "",
        "Sleeps a random 0–299 ms, then appends the task id to `marks/deploy.marks`.",
        "",
        "### deploy",
        "",
        "```bash",
        "sleep \"$(printf '0.%03d' $((RANDOM % 300)))\"",
        "echo \"$TASK_ID $TASK_ATTEMPT $$\" >> \"$RUNBOOK_DIR/marks/deploy.marks\"",
        "```",
        "",
        "### verify",
        "",
        "```sh",
        "true",
        "```",
        "",
        "### rollback",
        "",
        "```sh",
        "echo \"$TASK_ID $TASK_ATTEMPT $$\" >> \"$RUNBOOK_DIR/marks/rollback.marks\"",
        "```",
        "");
  }

  private List<String> command(boolean once) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.add("run");
    if (once) {
      cmd.add("--once");
    }
    cmd.add("--board");
    cmd.add(board.toString());
    cmd.add("--runbook");
    cmd.add(runbook.toString());
    cmd.add("--state-dir");
    cmd.add(state.toString());
    return cmd;
  }

  // ------------------------------------------------------------------------------------------
  // one cycle

  private Cycle cycle(int n) throws Exception {
    Path stderr = logs.resolve(String.format("daemon-%03d.log", n));
    long delay = 50 + rnd.nextInt(1451);
    DaemonProcess d = DaemonProcess.start(command(false), project, stderr, stderr);
    Thread.sleep(delay); // the chaos delay: where the kill lands is meant to be random
    String exit;
    List<ProcessHandle> steps = List.of();
    if (d.alive()) {
      steps = d.process.descendants().toList(); // snapshot before the kill: they get re-parented
      d.process.destroyForcibly();
      if (!d.process.waitFor(30, TimeUnit.SECONDS)) {
        violation("cycle " + n + ": pid " + d.pid() + " survived SIGKILL for 30 s");
      }
      exit = d.process.isAlive() ? "alive?!" : "killed (" + d.process.exitValue() + ")";
    } else {
      int rc = d.process.exitValue();
      exit = "exited " + rc + " by itself";
      violation(
          "cycle "
              + n
              + ": the daemon exited "
              + rc
              + " by itself before the kill (log "
              + stderr
              + "): "
              + tail(stderr));
    }
    int leftovers = 0;
    int killed = 0;
    for (ProcessHandle h : steps) {
      if (h.isAlive()) {
        leftovers++;
        if (h.destroyForcibly()) {
          killed++;
        }
      }
    }
    for (ProcessHandle h : steps) {
      h.onExit().get(10, TimeUnit.SECONDS);
    }
    Obs o = observe("cycle " + n, false);
    Cycle c =
        new Cycle(
            n,
            delay,
            exit,
            leftovers,
            killed,
            o.pending,
            o.inProgress,
            o.terminal,
            o.journalAhead,
            o.tornLines,
            o.parses,
            o.problems);
    log(
        String.format(
            Locale.ROOT,
            "cycle %2d: delay %4d ms, %s, %d leftover step process(es) killed; board %s: %d"
                + " pending, %d in_progress, %d finished; journal ahead of board for %d; %d"
                + " problem(s)",
            n,
            delay,
            exit,
            killed,
            o.parses ? "parses" : "DOES NOT PARSE",
            o.pending,
            o.inProgress,
            o.terminal,
            o.journalAhead,
            o.problems));
    return c;
  }

  // ------------------------------------------------------------------------------------------
  // checks

  /** What one look at the board and journal found. */
  static final class Obs {
    boolean parses;
    int pending;
    int inProgress;
    int terminal;
    int journalAhead;
    int tornLines;
    int problems;
    Map<String, String> boardStatus = new LinkedHashMap<>();
    Map<String, List<String>> outcomes = new HashMap<>();
    List<JsonNode> journal = new ArrayList<>();
  }

  /**
   * The checks that must hold whenever no worker runs: the board parses, has no duplicate ids,
   * every other agent's entry is byte-identical to how it started, every torture task is there
   * once, and a finished task on the board has that same outcome last in the journal (the journal
   * is written first, so the journal may be ahead of the board, never behind).
   */
  private Obs observe(String when, boolean fin) throws IOException {
    Obs o = new Obs();
    int before = violations.size();
    byte[] bytes = Files.readAllBytes(board);
    List<CrashBoard.Span> spans;
    try {
      CrashBoard.parse(bytes);
      spans = CrashBoard.spans(bytes);
      o.parses = true;
    } catch (IOException e) {
      Path copy = logs.resolve("unparseable-" + when.replace(' ', '-') + ".json");
      Files.write(copy, bytes);
      violation(when + ": the board does not parse: " + e.getMessage() + " (copy: " + copy + ")");
      o.problems = violations.size() - before;
      return o;
    }

    Map<String, Integer> seen = new HashMap<>();
    Map<String, CrashBoard.Span> byId = new HashMap<>();
    for (CrashBoard.Span s : spans) {
      if (s.id() == null) {
        violation(when + ": an entry without id at byte " + s.start());
        continue;
      }
      seen.merge(s.id(), 1, Integer::sum);
      byId.put(s.id(), s);
    }
    seen.forEach(
        (id, k) -> {
          if (k > 1) {
            violation(when + ": id " + id + " appears " + k + " times");
          }
        });

    // other agents' entries: byte for byte
    for (Map.Entry<String, byte[]> e : othersAtStart.entrySet()) {
      CrashBoard.Span s = byId.get(e.getKey());
      if (s == null) {
        violation(when + ": other agent's task " + e.getKey() + " is gone");
      } else if (!Arrays.equals(s.bytes(bytes), e.getValue())) {
        violation(
            when
                + ": other agent's task "
                + e.getKey()
                + " changed: was "
                + snippet(e.getValue())
                + " now "
                + snippet(s.bytes(bytes)));
      }
    }
    for (String id : seen.keySet()) {
      if (!othersAtStart.containsKey(id) && !crashIds.contains(id)) {
        violation(when + ": a task nobody added appeared: " + id);
      }
    }

    // the journal
    Path jf = state.resolve("journal.jsonl");
    List<String> lines =
        Files.exists(jf) ? Files.readAllLines(jf, StandardCharsets.UTF_8) : List.of();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode e = MAPPER.readTree(line);
        o.journal.add(e);
        if (e.path("event").asText().equals("outcome")) {
          o.outcomes
              .computeIfAbsent(e.path("task").asText(), k -> new ArrayList<>())
              .add(e.path("status").asText());
        }
      } catch (IOException torn) {
        o.tornLines++;
      }
    }

    // the torture's tasks
    for (String id : crashIds) {
      CrashBoard.Span s = byId.get(id);
      if (s == null) {
        violation(when + ": task " + id + " is gone from the board");
        continue;
      }
      String status = s.status();
      String agent = s.agent();
      o.boardStatus.put(id, status);
      if (!"DevOps-Engineer".equals(agent)) {
        violation(when + ": task " + id + " changed agent to " + agent);
      }
      if (status == null || !KNOWN.contains(status)) {
        violation(when + ": task " + id + " has status " + status);
        continue;
      }
      List<String> outs = o.outcomes.getOrDefault(id, List.of());
      String lastOutcome = outs.isEmpty() ? null : outs.get(outs.size() - 1);
      switch (status) {
        case "pending" -> o.pending++;
        case "in_progress" -> o.inProgress++;
        default -> o.terminal++;
      }
      if (TERMINAL.contains(status)) {
        if (!status.equals(lastOutcome)) {
          violation(
              when
                  + ": "
                  + id
                  + " is "
                  + status
                  + " on the board but the journal's last outcome is "
                  + lastOutcome
                  + " (all: "
                  + outs
                  + ")");
        }
      } else if (lastOutcome != null) {
        o.journalAhead++;
        if (fin) {
          violation(
              when
                  + ": "
                  + id
                  + " is "
                  + status
                  + " on the board, the journal says "
                  + lastOutcome);
        }
      }
      if (new HashSet<>(outs).size() > 1) {
        violation(when + ": " + id + " has conflicting outcomes in the journal: " + outs);
      }
    }
    o.problems = violations.size() - before;
    return o;
  }

  /** What the end state shows. */
  record Final(
      Obs obs,
      Map<String, Integer> statusCounts,
      Map<Integer, Integer> deployMarkHistogram,
      Map<String, Integer> deployMarks,
      Map<String, Integer> rollbackMarks,
      Map<Integer, Integer> deployStartHistogram,
      Map<Integer, Integer> claimHistogram,
      Map<Integer, Integer> outcomeHistogram,
      int reconciled,
      int deployedWithoutMark,
      int otherInProgress,
      List<String> notes,
      List<String> neverDeployed,
      int requeues,
      int reconcileWarnings,
      int staleCopyWarnings,
      int errorLines) {}

  private Final finalChecks() throws IOException {
    Obs o = observe("end", true);
    Map<String, Integer> statusCounts =
        new TreeMap<>(
            o.boardStatus.values().stream()
                .collect(Collectors.toMap(s -> s, s -> 1, Integer::sum)));
    for (Map.Entry<String, String> e : o.boardStatus.entrySet()) {
      if (!TERMINAL.contains(e.getValue())) {
        violation("end: " + e.getKey() + " ended " + e.getValue() + ", not deployed/done/failed");
      }
    }
    if (o.boardStatus.size() != crashIds.size()) {
      violation("end: " + o.boardStatus.size() + " of " + crashIds.size() + " tasks on the board");
    }
    // other agents' in_progress entries are theirs and unchanged (checked byte-wise); count them
    int otherInProgress = 0;
    for (CrashBoard.Span s : CrashBoard.spans(Files.readAllBytes(board))) {
      if (!crashIds.contains(s.id()) && "in_progress".equals(s.status())) {
        otherInProgress++;
      }
    }

    Map<String, Integer> deploy = marks(marks.resolve("deploy.marks"));
    Map<String, Integer> rollback = marks(marks.resolve("rollback.marks"));
    Map<Integer, Integer> deployHist = new TreeMap<>();
    int withoutMark = 0;
    for (String id : crashIds) {
      int k = deploy.getOrDefault(id, 0);
      deployHist.merge(k, 1, Integer::sum);
      if (k == 0
          && TERMINAL.contains(o.boardStatus.get(id))
          && !"failed".equals(o.boardStatus.get(id))) {
        withoutMark++;
      }
    }
    for (String id : deploy.keySet()) {
      if (!crashIds.contains(id)) {
        violation("end: a deploy mark for an unknown task " + id);
      }
    }

    Map<String, Integer> deployStarts = new HashMap<>();
    Map<String, Integer> claims = new HashMap<>();
    Map<String, Integer> outcomes = new HashMap<>();
    Set<String> reconciledTasks = new HashSet<>();
    Map<String, Set<Long>> pids = new HashMap<>();
    for (JsonNode e : o.journal) {
      String task = e.path("task").asText();
      switch (e.path("event").asText()) {
        case "step_start" -> {
          if (e.path("step").asText().startsWith("deploy")) {
            deployStarts.merge(task, 1, Integer::sum);
          }
        }
        case "claim" -> {
          claims.merge(task, 1, Integer::sum);
          pids.computeIfAbsent(task, k -> new HashSet<>()).add(e.path("pid").asLong());
        }
        case "outcome" -> outcomes.merge(task, 1, Integer::sum);
        default -> {}
      }
    }
    // a task finished by a later worker than the one that claimed it was reconciled
    for (String id : crashIds) {
      if (claims.getOrDefault(id, 0) > 0 && deploy.getOrDefault(id, 0) == 0) {
        reconciledTasks.add(id);
      }
    }
    // finished as a success although no deploy step ever started for it
    List<String> neverDeployed = new ArrayList<>();
    for (String id : crashIds) {
      String st = o.boardStatus.get(id);
      if (deployStarts.getOrDefault(id, 0) == 0 && ("done".equals(st) || "deployed".equals(st))) {
        neverDeployed.add(id);
      }
    }
    int requeues =
        (int) o.journal.stream().filter(e -> e.path("event").asText().equals("requeue")).count();
    Map<Integer, Integer> startHist = histogram(deployStarts);
    Map<Integer, Integer> claimHist = histogram(claims);
    Map<Integer, Integer> outcomeHist = histogram(outcomes);

    List<String> notes = new ArrayList<>();
    for (String id : crashIds) {
      int k = deploy.getOrDefault(id, 0);
      if (k > 1) {
        notes.add(
            id
                + ": "
                + k
                + " deploy marks, "
                + deployStarts.getOrDefault(id, 0)
                + " deploy step starts and "
                + claims.getOrDefault(id, 0)
                + " claims in the journal");
      }
    }
    return new Final(
        o,
        statusCounts,
        deployHist,
        deploy,
        rollback,
        startHist,
        claimHist,
        outcomeHist,
        reconciledTasks.size(),
        withoutMark,
        otherInProgress,
        notes,
        neverDeployed,
        requeues,
        logCount("left in_progress by a worker that died"),
        logCount("a stale copy of the board was written back"),
        logCount(" ERROR "));
  }

  /** How many lines of all daemon logs contain {@code needle}. */
  private int logCount(String needle) throws IOException {
    int n = 0;
    try (var files = Files.list(logs)) {
      for (Path p : files.filter(x -> x.toString().endsWith(".log")).toList()) {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          if (line.contains(needle)) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private Map<Integer, Integer> histogram(Map<String, Integer> perTask) {
    Map<Integer, Integer> h = new TreeMap<>();
    for (String id : crashIds) {
      h.merge(perTask.getOrDefault(id, 0), 1, Integer::sum);
    }
    return h;
  }

  private static Map<String, Integer> marks(Path file) throws IOException {
    Map<String, Integer> out = new HashMap<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.merge(line.trim().split("\\s+")[0], 1, Integer::sum);
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // the report

  private String report(
      String date,
      String loadBefore,
      String loadAfter,
      int onceExit,
      long finalMs,
      long totalMs,
      Final f) {
    StringBuilder r = new StringBuilder();
    r.append("# Reliability: crash torture\n\n");
    r.append(
        "A real `devops-worker run` daemon is killed with SIGKILL (`kill -9`, Java's"
            + " `Process.destroyForcibly()`) at random moments while it works through a board of"
            + " pending tasks, restarted, and killed again; a final `run --once` then finishes the"
            + " work. The board, the journal and the runbook's side effects are checked after every"
            + " kill and at the end against the guarantees in the README (\"Stopping and crashes\","
            + " \"The journal, reverted entries and re-queues\").\n\n");
    r.append("Command (from the project root):\n\n```sh\n")
        .append(COMMAND)
        .append(" ")
        .append(args)
        .append("\n```\n\n");
    r.append("| machine | |\n|---|---|\n");
    r.append("| date | ").append(date).append(" |\n");
    r.append("| `nproc` | ").append(DaemonProcess.output(List.of("nproc"))).append(" |\n");
    r.append("| CPU | ").append(cpu()).append(" |\n");
    r.append("| `java -version` | ")
        .append(DaemonProcess.output(List.of(java, "-version")).lines().findFirst().orElse("?"))
        .append(" |\n");
    r.append("| kernel | ").append(DaemonProcess.output(List.of("uname", "-sr"))).append(" |\n");
    r.append("| load average | ")
        .append(loadBefore)
        .append(" before, ")
        .append(loadAfter)
        .append(" after (shared machine) |\n\n");

    r.append("## Set-up\n\n");
    r.append("- Board: a top-level JSON array with ")
        .append(othersAtStart.size())
        .append(" other agents' tasks (Task-Coder, Tester, …, and finished DevOps-Engineer tasks;")
        .append(" UTF-8 with accents, CJK and emoji) and ")
        .append(crashIds.size())
        .append(" pending `infrastructure_update` tasks for DevOps-Engineer (`CRASH-001` …)")
        .append(" spread among them.\n");
    r.append(
        "- Runbook: `## gates` with empty `staging:`/`production:` lists; `attempts: 1`;"
            + " `infrastructure_update` has a `bash` deploy step that sleeps a random 0–299 ms"
            + " (`$RANDOM`, not seeded) and then appends `TASK_ID` to `marks/deploy.marks`, a verify"
            + " step `true`, and a rollback step that appends to `marks/rollback.marks`.\n");
    r.append(
        "- Each cycle starts `java -jar <copy of the jar> run --board … --runbook … --state-dir"
            + " …`, waits a random 50–1500 ms (seeded; this is chaos, not synchronisation — many"
            + " kills land during JVM start-up, the rest wherever the daemon has got to: mid-step,"
            + " between a journal append and its board write, possibly mid-write), snapshots the daemon's descendants, SIGKILLs the daemon, then SIGKILLs any"
            + " snapshotted step process still alive (the harness does this itself; the worker's"
            + " own clean-up of a dead worker's step, from the journal's `step_process`, is"
            + " therefore not what is exercised here). After the last kill, `run --once` runs to"
            + " completion.\n\n");

    int cyclesWithProblems = (int) cycles.stream().filter(c -> c.problems() > 0).count();
    int unparsed = (int) cycles.stream().filter(c -> !c.boardParses()).count();
    int leftover = cycles.stream().mapToInt(Cycle::leftoverSteps).sum();
    int ahead = cycles.stream().mapToInt(Cycle::journalAhead).sum();
    int inProgressSeen = cycles.stream().mapToInt(Cycle::inProgress).sum();
    int torn = cycles.stream().mapToInt(Cycle::tornJournalLines).max().orElse(0);
    int earlyExit = (int) cycles.stream().filter(c -> !c.exit().startsWith("killed")).count();
    int deployMarksTotal = f.deployMarks().values().stream().mapToInt(Integer::intValue).sum();
    int rollbackTotal = f.rollbackMarks().values().stream().mapToInt(Integer::intValue).sum();
    int moreThanOnce = f.notes().size();

    r.append("## Results\n\n");
    r.append("| check | what it means | result | holds |\n|---|---|---|---|\n");
    row(
        r,
        "daemon killed",
        "every cycle's daemon was still running when SIGKILL came (it never exited on its own)",
        (cycles.size() - earlyExit) + " of " + cycles.size() + " cycles",
        earlyExit == 0);
    row(
        r,
        "board parses after every kill",
        "Jackson parses the whole board (and it is an array of objects) after each of the "
            + cycles.size()
            + " kills and at the end: no torn or half-written board is ever visible",
        (cycles.size() - unparsed) + " of " + cycles.size() + " + end",
        unparsed == 0 && f.obs().parses);
    row(
        r,
        "invariants after every kill",
        "no duplicate ids, other agents' entries byte-identical, every torture task present, a"
            + " finished task's board status equals its last journal outcome",
        cyclesWithProblems == 0
            ? "all " + cycles.size() + " cycles clean"
            : cyclesWithProblems + " cycle(s) with problems",
        cyclesWithProblems == 0);
    row(
        r,
        "final `run --once`",
        "the last start reconciles what the dead workers left and runs what is pending, then exits 0",
        "exit " + onceExit + " after " + finalMs + " ms",
        onceExit == 0);
    row(
        r,
        "no task `in_progress` at the end",
        "every DevOps-Engineer task the dead workers left claimed was verified and finished by"
            + " a later start",
        f.obs().inProgress + " torture tasks in_progress, " + f.obs().pending + " pending",
        f.obs().inProgress == 0 && f.obs().pending == 0);
    row(
        r,
        "exactly one terminal state",
        "each of the "
            + crashIds.size()
            + " tasks is on the board once, as deployed/done/failed, and the journal never"
            + " recorded two different outcomes for it",
        f.statusCounts().toString(),
        f.obs().terminal == crashIds.size() && f.obs().problems == 0);
    row(
        r,
        "journal agrees with the board",
        "for every task, the last `outcome` event in `journal.jsonl` has the status the board"
            + " shows",
        f.obs().journalAhead == 0 ? "all " + crashIds.size() + " agree" : "see violations",
        f.obs().journalAhead == 0 && f.obs().problems == 0);
    row(
        r,
        "no duplicate ids",
        "no task was appended twice (e.g. by a write that was repeated after a crash)",
        "checked after every kill and at the end",
        violations.stream().noneMatch(v -> v.contains("appears")));
    row(
        r,
        "other agents' tasks untouched",
        "each of the "
            + othersAtStart.size()
            + " other entries (found by parsing, compared as byte spans) is byte-identical to"
            + " how it started",
        violations.stream().anyMatch(v -> v.contains("other agent")) ? "changed" : "identical",
        violations.stream().noneMatch(v -> v.contains("other agent")));
    r.append("\n");

    r.append("## Observations\n\n");
    r.append("| figure | value |\n|---|---|\n");
    r.append("| kill cycles | ").append(cycles.size()).append(" |\n");
    r.append("| total wall time | ").append(totalMs / 1000).append(" s |\n");
    int progressed = 0;
    int prevPending = crashIds.size();
    int prevTerminal = 0;
    for (Cycle c : cycles) {
      if (c.pending() != prevPending || c.terminal() != prevTerminal) {
        progressed++;
      }
      prevPending = c.pending();
      prevTerminal = c.terminal();
    }
    r.append("| cycles in which the daemon got as far as claiming or finishing a task before the")
        .append(" kill (the others were killed during JVM start-up or its first board read) | ")
        .append(progressed)
        .append(" of ")
        .append(cycles.size())
        .append(" |\n");
    r.append("| torture tasks finished before the final `run --once` | ")
        .append(cycles.isEmpty() ? 0 : cycles.get(cycles.size() - 1).terminal())
        .append(" of ")
        .append(crashIds.size())
        .append(" |\n");
    r.append("| kills after which the board showed a task `in_progress` (the next start had to")
        .append(" reconcile it) | ")
        .append(cycles.stream().filter(c -> c.inProgress() > 0).count())
        .append(" (")
        .append(inProgressSeen)
        .append(" task-observations) |\n");
    r.append("| kills after which the journal was ahead of the board (outcome journaled, board")
        .append(" not yet written) | ")
        .append(cycles.stream().filter(c -> c.journalAhead() > 0).count())
        .append(" (")
        .append(ahead)
        .append(" task-observations) |\n");
    r.append("| leftover step processes alive after a kill (killed by the harness) | ")
        .append(leftover)
        .append(" |\n");
    r.append("| unparseable journal lines (torn appends), most seen at once | ")
        .append(torn)
        .append(" |\n");
    r.append("| final board status of the ")
        .append(crashIds.size())
        .append(" tasks | ")
        .append(f.statusCounts())
        .append(" |\n");
    r.append("| deploy marks per task → number of tasks | ")
        .append(f.deployMarkHistogram())
        .append(" (")
        .append(deployMarksTotal)
        .append(" marks) |\n");
    r.append("| journal `step_start` of deploy per task → tasks | ")
        .append(f.deployStartHistogram())
        .append(" |\n");
    r.append("| journal `claim` events per task → tasks | ")
        .append(f.claimHistogram())
        .append(" |\n");
    r.append("| journal `outcome` events per task → tasks | ")
        .append(f.outcomeHistogram())
        .append(" |\n");
    r.append("| tasks finished without a deploy mark (claimed; killed before the deploy step")
        .append(" wrote its mark, or before it started; then only re-verified by a later start) | ")
        .append(f.deployedWithoutMark())
        .append(" |\n");
    r.append("| tasks whose deploy ran more than once | ").append(moreThanOnce).append(" |\n");
    r.append("| tasks that ended `done`/`deployed` although the journal shows no deploy step ever")
        .append(" started for them (see below) | ")
        .append(f.neverDeployed().size())
        .append(f.neverDeployed().isEmpty() ? "" : " " + f.neverDeployed())
        .append(" |\n");
    r.append("| journal `requeue` events (a dead worker's claim never reached the board, so the")
        .append(" task was simply pending again) | ")
        .append(f.requeues())
        .append(" |\n");
    r.append("| daemon log lines \"left in_progress by a worker that died … verifying\" | ")
        .append(f.reconcileWarnings())
        .append(" |\n");
    r.append("| daemon log lines \"a stale copy of the board was written back\" | ")
        .append(f.staleCopyWarnings())
        .append(" |\n");
    r.append("| daemon log lines with ` ERROR ` | ").append(f.errorLines()).append(" |\n");
    r.append("| rollback marks | ").append(rollbackTotal).append(" |\n");
    r.append("| other agents' tasks `in_progress` (theirs, untouched) | ")
        .append(f.otherInProgress())
        .append(" |\n\n");
    for (String n : f.notes()) {
      r.append("- ").append(n).append("\n");
    }
    if (!f.notes().isEmpty()) {
      r.append("\n");
    }

    r.append("### Deploy marks: why a task can have 0 or 1, and why 2 would be a bug\n\n");
    r.append(
        "The worker journals a claim before it writes it to the board, journals each step"
            + " start, and journals the outcome before it writes that. What a kill leaves, and what"
            + " the next start does with it (all seen in this run):\n\n"
            + "- **claim journaled, not yet on the board** — the next start journals a `requeue`"
            + " (\"the dead worker's claim never reached the board\") and runs the task normally:"
            + " one deploy.\n"
            + "- **claim on the board (`in_progress`), deploy step running or not yet started** —"
            + " the next start does **not** deploy again: it kills the dead worker's step if it"
            + " still runs (this harness has usually killed it already), runs only the `verify`"
            + " phase, and keeps the task (`done`, \"after restart verify passed, so the deployment"
            + " stands\") or rolls it back (`failed`). Verify is `true` here, so these tasks end"
            + " `done` with **0** deploy marks when the step had not reached its `echo`, and 1 when"
            + " it had.\n"
            + "- **outcome journaled, board not yet written** (\"journal ahead\" above) — the next"
            + " start writes the journaled outcome to the board; its log calls this \"a stale copy"
            + " of the board was written back\", which is the wording for another agent's stale"
            + " write, not for the worker's own crash.\n\n"
            + "So 0 or 1 deploy marks per task is expected; 2 or more would mean a deploy ran"
            + " again after a crash, and none did. No rollback ran, because verify never fails"
            + " here.\n\n"
            + "**Finding.** A task whose claim reached the board but whose deploy step never"
            + " started (the journal has its `claim` and no `step_start`) is also only re-verified,"
            + " and with this runbook ends `done` although nothing was deployed (the row \"no deploy"
            + " step ever started\" above). The journal shows that nothing ran, so the worker could"
            + " run such a task from the start instead. With a real verify step that checks the"
            + " change, the task would fail and roll back instead; with a weak verify, a change that"
            + " never happened is reported as done. After a crash it is verify that decides, so a"
            + " runbook's verify should check that the change is really in place.\n\n");

    r.append("## Per kill\n\n");
    r.append(
        "State the next start sees, right after each kill: the torture tasks by board status,"
            + " how many had their outcome journaled but not yet on the board, step processes"
            + " the harness killed, problems found.\n\n");
    r.append(
        "| # | delay ms | daemon | pending | in_progress | finished | journal ahead | leftover"
            + " steps | problems |\n|---|---|---|---|---|---|---|---|---|\n");
    for (Cycle c : cycles) {
      r.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %s | %d | %d | %d | %d | %d | %d |%n",
              c.n(),
              c.delayMs(),
              c.exit(),
              c.pending(),
              c.inProgress(),
              c.terminal(),
              c.journalAhead(),
              c.leftoverSteps(),
              c.problems()));
    }
    r.append("\n## Violations\n\n");
    if (violations.isEmpty()) {
      r.append("None: every invariant held.\n");
    } else {
      for (String v : violations) {
        r.append("- ").append(v.replace("|", "\\|")).append("\n");
      }
    }
    return r.toString();
  }

  private static void row(StringBuilder r, String check, String means, String result, boolean ok) {
    r.append("| ")
        .append(check)
        .append(" | ")
        .append(means)
        .append(" | ")
        .append(result)
        .append(" | ")
        .append(ok ? "yes" : "**NO**")
        .append(" |\n");
  }

  // ------------------------------------------------------------------------------------------

  private void violation(String v) {
    violations.add(v);
    System.err.println("crash-torture: VIOLATION " + v);
  }

  private static void log(String s) {
    System.err.println("crash-torture: " + s);
  }

  private static String snippet(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8).replace("\n", "\\n");
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  private static String tail(Path f) {
    try {
      List<String> l = Files.readAllLines(f, StandardCharsets.UTF_8);
      return String.join(" / ", l.subList(Math.max(0, l.size() - 3), l.size()));
    } catch (IOException e) {
      return "?";
    }
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String cpu() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }
}

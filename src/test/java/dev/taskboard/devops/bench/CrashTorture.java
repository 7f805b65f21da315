package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Crash torture: a real {@code devops-worker run} daemon is killed with SIGKILL ({@code kill -9})
 * at random moments, again and again, while it works through a board of pending tasks; then a last
 * {@code run --once} finishes the work, and the board, the journal and the runbook's side effects
 * are checked for the worker's crash guarantees (README, "Stopping and crashes").
 *
 * <pre>
 * mvn -B -q -DskipTests package test-compile &amp;&amp; java -cp target/devops-worker.jar:target/test-classes dev.taskboard.devops.bench.CrashTorture [--kills 50] [--tasks 60] [--seed N] [--out DIR] [--doc FILE|-]
 * </pre>
 *
 * <p>{@code --out DIR}: where the scratch project (board, runbook, state dir, marks, daemon logs)
 * goes and stays for inspection (default: a new temp directory). {@code --doc}: the Markdown report
 * (default {@code docs/reliability.md}; {@code -} for none). Exit 0 when every invariant held, 1
 * when one failed (the evidence is printed), 2 on bad arguments or set-up failures.
 *
 * <p>Each cycle starts the daemon on a copy of the jar. Most cycles wait until it has really begun
 * to work (its first journal append, seen through a WatchService on the state dir) and then a
 * random 0–1000 ms; the others kill it a random 50–800 ms after the process started, mostly during
 * JVM start-up. These delays are chaos, not synchronisation. Just before the kill the harness
 * snapshots the daemon's descendants; after {@link Process#destroyForcibly()} the step processes
 * that outlived the daemon are recorded and left running: the worker's next start must kill them
 * (from the journal's {@code step_process}). Once a later start has written its first journal event
 * for the step's task (or the final {@code run --once} has finished) they must be gone. After each
 * kill the board and journal the next start will see are checked.
 */
public final class CrashTorture {
  static final String COMMAND =
      "mvn -B -q -DskipTests package test-compile && java -cp"
          + " target/devops-worker.jar:target/test-classes"
          + " dev.taskboard.devops.bench.CrashTorture";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** How long a working cycle waits for the daemon's work before killing anyway. */
  private static final Duration WORK_WAIT = Duration.ofSeconds(30);

  /**
   * How long a step process may still run once the worker should have killed it (the kill is sent
   * before the worker's journal event; this only covers the kernel and PID 1 catching up).
   */
  private static final Duration LEFTOVER_BOUND = Duration.ofSeconds(1);

  /** The same at the very end, after the final {@code run --once} exited. */
  private static final Duration FINAL_BOUND = Duration.ofSeconds(5);

  private static final Set<String> TERMINAL = Set.of("deployed", "done", "failed");
  private static final Set<String> KNOWN =
      Set.of("pending", "in_progress", "deployed", "done", "failed", "blocked");

  private final int kills;
  private final int tasks;
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
  private Path journalFile;
  private Map<String, String> env;
  private WatchService watcher;
  private final String java =
      Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath().toString();

  /** The other agents' entries as they started: id → bytes. */
  private final Map<String, byte[]> othersAtStart = new LinkedHashMap<>();

  private final List<String> crashIds = new ArrayList<>();

  /** Every invariant that failed, with its evidence. */
  private final List<String> violations = new ArrayList<>();

  private final List<Cycle> cycles = new ArrayList<>();

  /** Every step process a killed daemon left running, in kill order. */
  private final List<Leftover> leftovers = new ArrayList<>();

  /** Every step process seen in a snapshot before a kill (the end check: none still runs). */
  private final Map<Long, ProcessHandle> stepProcesses = new LinkedHashMap<>();

  /**
   * When a cycle kills: a random moment after the process started (one cycle in five; mostly JVM
   * start-up), a random moment after the daemon's first journal append (two in five), or a random
   * moment after it journaled the process of a deploy step (two in five).
   */
  enum Plan {
    START_UP("start-up"),
    FIRST_APPEND("first append"),
    DEPLOY_STEP("deploy step");

    final String label;

    Plan(String label) {
      this.label = label;
    }

    static Plan draw(Random rnd) {
      int k = rnd.nextInt(5);
      return k == 0 ? START_UP : k <= 2 ? FIRST_APPEND : DEPLOY_STEP;
    }
  }

  /** Where a kill landed, judged from what the daemon left behind. */
  enum Landed {
    MID_STEP_DEPLOY("mid-step (deploy)"),
    MID_STEP_OTHER("mid-step (verify)"),
    MID_WRITE("mid-write"),
    START_UP("start-up"),
    BETWEEN_STEPS("working, between steps"),
    IDLE("idle");

    final String label;

    Landed(String label) {
      this.label = label;
    }
  }

  /** One kill cycle as observed afterwards. */
  record Cycle(
      int n,
      Plan plan,
      long waitedMs,
      long delayMs,
      String exit,
      Landed landed,
      int leftoverSteps,
      int leftoverProcesses,
      int earlierChecked,
      int pending,
      int inProgress,
      int terminal,
      int journalAhead,
      int claimAhead,
      int writerFiles,
      int tornJournalLines,
      boolean boardParses,
      int problems) {}

  /** A process of the killed daemon's process tree, as the snapshot before the kill saw it. */
  record Proc(ProcessHandle handle, long parent, String command) {}

  /**
   * A step process that outlived its daemon, with what it started. The worker's next start must
   * kill it; {@link #fate} says what became of it once that start had reached its task.
   */
  static final class Leftover {
    final int cycle;
    final long pid;
    final List<ProcessHandle> members;
    final String script;
    final String task;
    final boolean journaled;
    final long journalOffset;
    String fate;
    int checkedAfter;
    boolean checkedAtFirstAppend;

    Leftover(
        int cycle,
        long pid,
        List<ProcessHandle> members,
        String script,
        String task,
        boolean journaled,
        long journalOffset) {
      this.cycle = cycle;
      this.pid = pid;
      this.members = List.copyOf(members);
      this.script = script;
      this.task = task;
      this.journaled = journaled;
      this.journalOffset = journalOffset;
    }

    boolean deploy() {
      return script.contains(".deploy-");
    }
  }

  private CrashTorture(int kills, int tasks, long seed, Path out, Path doc, String args) {
    this.kills = kills;
    this.tasks = tasks;
    this.seed = seed;
    this.out = out;
    this.doc = doc;
    this.args = args;
    this.rnd = new Random(seed);
  }

  public static void main(String[] argv) throws Exception {
    int kills = 50;
    int tasks = 60;
    long seed = System.nanoTime() & 0xFFFFFFFL;
    Path out = null;
    Path doc = Path.of("docs", "reliability.md");
    List<String> shown = new ArrayList<>();
    try {
      for (int i = 0; i < argv.length; i++) {
        switch (argv[i]) {
          case "--kills" -> kills = Integer.parseInt(argv[++i]);
          case "--tasks" -> tasks = Integer.parseInt(argv[++i]);
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
              + "; usage: CrashTorture [--kills N] [--tasks N] [--seed N] [--out DIR]"
              + " [--doc FILE|-]");
      System.exit(2);
      return;
    }
    shown.add("--kills " + kills);
    if (tasks != 60) {
      shown.add("--tasks " + tasks);
    }
    shown.add("--seed " + seed);
    if (out == null) {
      out = Files.createTempDirectory("crash-torture-");
    } else {
      shown.add("--out " + out);
    }
    Files.createDirectories(out);
    CrashTorture t =
        new CrashTorture(kills, tasks, seed, out.toAbsolutePath(), doc, String.join(" ", shown));
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
    DaemonProcess last = DaemonProcess.start(command(true), project, stderr, stderr, env);
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
    checkLeftovers("end", kills + 1, true, false);
    List<String> stray = nothingLeftRunning();
    watcher.close();
    Final fin = finalChecks(stray);
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
    // HOME and XDG_* under --out: the instance lock, the journal key and caches stay there.
    env = TestEnv.in(out);
    Files.createDirectories(Path.of(env.get("HOME")));
    Files.createDirectories(Path.of(env.get("XDG_RUNTIME_DIR")));
    state = Files.createDirectories(project.resolve("state"));
    journalFile = state.resolve("journal.jsonl");
    watcher = state.getFileSystem().newWatchService();
    state.register(
        watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    board = project.resolve("board").resolve("tasks.json");
    runbook = project.resolve("deployment.md");

    Path built = Path.of("target", "devops-worker.jar");
    if (!Files.isRegularFile(built)) {
      throw new IOException(built + " is missing: run `mvn -B -q -DskipTests package` first");
    }
    jar = out.resolve("devops-worker.jar");
    Files.copy(built, jar, StandardCopyOption.REPLACE_EXISTING);

    byte[] bytes = CrashBoard.build(60_000, tasks, seed);
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

  /**
   * The runbook: no gates, one attempt, a deploy that sleeps 0–799 ms (one in four: 3–6 s) and
   * leaves a mark.
   */
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
        "Sleeps a random 0–799 ms (one deploy in four: 3–6 s), then appends the task id, the",
        "attempt and its own pid to `marks/deploy.marks`.",
        "",
        "### deploy",
        "",
        "```bash",
        "if [ $((RANDOM % 4)) -eq 0 ]; then ms=$((3000 + RANDOM % 3000)); else ms=$((RANDOM % 800)); fi",
        "sleep \"$((ms / 1000)).$(printf '%03d' $((ms % 1000)))\"",
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
    // Every draw is made whatever the plan, so the seed decides the same plans and delays.
    Plan plan = Plan.draw(rnd);
    long startupDelay = 50 + rnd.nextInt(751);
    long workDelay = rnd.nextInt(1001);
    long journalBefore = size(journalFile);
    Set<String> writerFilesBefore = writerFiles();
    Obs before = cycles.isEmpty() ? null : lastObs;
    drainEvents();
    DaemonProcess d = DaemonProcess.start(command(false), project, stderr, stderr, env);
    long waited = -1;
    long delay;
    int earlierChecked = 0;
    if (plan == Plan.START_UP) {
      delay = startupDelay;
    } else {
      long w0 = System.nanoTime();
      boolean working = awaitJournal(journalBefore, d, appended -> !appended.isEmpty());
      if (working) {
        // The new start has written its first event: for the task of a step an earlier daemon
        // left running, that comes after the worker's kill of it.
        earlierChecked = checkLeftovers("cycle " + n, n, false, true);
      }
      if (plan == Plan.DEPLOY_STEP) {
        awaitJournal(journalBefore, d, CrashTorture::deployStepStarted);
      }
      waited = (System.nanoTime() - w0) / 1_000_000;
      delay = workDelay;
    }
    Thread.sleep(delay); // the chaos delay: where the kill lands is meant to be random
    String exit;
    List<Proc> snapshot = List.of();
    if (d.alive()) {
      // Before the kill: once the daemon is dead its children are re-parented.
      snapshot =
          d.process
              .descendants()
              .map(
                  h ->
                      new Proc(
                          h,
                          h.parent().map(ProcessHandle::pid).orElse(-1L),
                          h.info().commandLine().orElse("")))
              .toList();
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
    long journalAfter = size(journalFile);
    Obs o = observe("cycle " + n, false);
    List<Leftover> left = recordLeftovers(n, d.pid(), snapshot, o, journalAfter);
    earlierChecked += checkLeftovers("cycle " + n, n, false, false);
    Set<String> newWriterFiles = writerFiles();
    newWriterFiles.removeAll(writerFilesBefore);
    Landed landed;
    if (left.stream().anyMatch(Leftover::deploy)) {
      landed = Landed.MID_STEP_DEPLOY;
    } else if (!left.isEmpty()) {
      landed = Landed.MID_STEP_OTHER;
    } else if (!newWriterFiles.isEmpty()
        || journalAfter > journalBefore && o.journalAhead + o.claimAhead > 0) {
      landed = Landed.MID_WRITE; // (a start killed before its first append fixed nothing yet)
    } else if (journalAfter == journalBefore) {
      boolean work = before == null || before.pending + before.inProgress > 0;
      landed = work ? Landed.START_UP : Landed.IDLE;
    } else {
      landed = Landed.BETWEEN_STEPS;
    }
    lastObs = o;
    int processes = left.stream().mapToInt(l -> l.members.size()).sum();
    Cycle c =
        new Cycle(
            n,
            plan,
            waited,
            delay,
            exit,
            landed,
            left.size(),
            processes,
            earlierChecked,
            o.pending,
            o.inProgress,
            o.terminal,
            o.journalAhead,
            o.claimAhead,
            newWriterFiles.size(),
            o.tornLines,
            o.parses,
            o.problems);
    log(
        String.format(
            Locale.ROOT,
            "cycle %2d: %s, waited %d ms + delay %4d ms, %s, landed %s; %d step(s) left running"
                + " (%d processes), %d earlier one(s) checked; board %s: %d pending, %d"
                + " in_progress, %d finished; journal ahead for %d outcome(s), %d claim(s); %d"
                + " problem(s)",
            n,
            plan.label + " plan",
            Math.max(waited, 0),
            delay,
            exit,
            landed.label,
            left.size(),
            processes,
            earlierChecked,
            o.parses ? "parses" : "DOES NOT PARSE",
            o.pending,
            o.inProgress,
            o.terminal,
            o.journalAhead,
            o.claimAhead,
            o.problems));
    return c;
  }

  private Obs lastObs;

  private static long size(Path file) throws IOException {
    return Files.exists(file) ? Files.size(file) : 0;
  }

  private void drainEvents() {
    WatchKey key;
    while ((key = watcher.poll()) != null) {
      key.pollEvents();
      key.reset();
    }
  }

  /**
   * Waits until what the daemon appended to the journal after its first {@code from} bytes
   * satisfies {@code enough} (e.g. anything: it has claimed, reconciled or re-queued something).
   * Woken by the state dir's WatchService; the bounded poll only notices a daemon that exited by
   * itself, or one that found nothing to do within {@link #WORK_WAIT}.
   */
  private boolean awaitJournal(long from, DaemonProcess d, Predicate<List<JsonNode>> enough)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WORK_WAIT.toNanos();
    while (!enough.test(appendedSince(from))) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !d.alive()) {
        return false;
      }
      WatchKey key = watcher.poll(Math.min(left, 500_000_000L), TimeUnit.NANOSECONDS);
      if (key != null) {
        key.pollEvents();
        key.reset();
      }
    }
    return true;
  }

  /** The complete journal events after the first {@code from} bytes. */
  private List<JsonNode> appendedSince(long from) throws IOException {
    byte[] bytes = Files.exists(journalFile) ? Files.readAllBytes(journalFile) : new byte[0];
    List<JsonNode> events = new ArrayList<>();
    if (bytes.length <= from) {
      return events;
    }
    String after = new String(bytes, (int) from, bytes.length - (int) from, StandardCharsets.UTF_8);
    for (String line : after.split("\n")) {
      try {
        events.add(MAPPER.readTree(line));
      } catch (IOException torn) {
        // the last line, still being appended
      }
    }
    return events;
  }

  private static boolean deployStepStarted(List<JsonNode> events) {
    return events.stream()
        .anyMatch(
            e ->
                e.path("event").asText().equals("step_process")
                    && e.path("step").asText().startsWith("deploy#"));
  }

  /** The files a board write leaves beside the board while it runs: temp files, staged backups. */
  private Set<String> writerFiles() throws IOException {
    String prefix = "." + board.getFileName() + ".";
    try (var files = Files.list(board.getParent())) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.startsWith(prefix))
          .collect(Collectors.toCollection(HashSet::new));
    }
  }

  /**
   * The step processes of the killed daemon (its children running a script from the state dir's
   * logs, with what they started) that are still running: recorded, not killed.
   */
  private List<Leftover> recordLeftovers(
      int n, long daemon, List<Proc> snapshot, Obs o, long journalOffset) {
    String logsDir = state.resolve("logs").toString();
    Map<Long, Long> parentOf = new HashMap<>();
    for (Proc p : snapshot) {
      parentOf.put(p.handle().pid(), p.parent());
    }
    List<Leftover> found = new ArrayList<>();
    for (Proc step : snapshot) {
      if (step.parent() != daemon || !step.command().contains(logsDir)) {
        continue;
      }
      stepProcesses.put(step.handle().pid(), step.handle());
      List<ProcessHandle> members = new ArrayList<>();
      for (Proc p : snapshot) {
        if (descends(p.handle().pid(), step.handle().pid(), parentOf)) {
          members.add(p.handle());
          stepProcesses.put(p.handle().pid(), p.handle());
        }
      }
      if (members.stream().noneMatch(CrashTorture::running)) {
        continue;
      }
      long pid = step.handle().pid();
      String task = o.openStepPids.get(pid);
      boolean journaled = task != null;
      if (task == null) {
        task = o.openStepTask;
      }
      String script = step.command().substring(step.command().lastIndexOf('/') + 1);
      Leftover l = new Leftover(n, pid, members, script, task, journaled, journalOffset);
      found.add(l);
      leftovers.add(l);
      if (!journaled) {
        log(
            "cycle "
                + n
                + ": step pid "
                + pid
                + " ("
                + script
                + ") outlived the daemon and its pid is not in the journal");
      }
    }
    return found;
  }

  private static boolean descends(long pid, long ancestor, Map<Long, Long> parentOf) {
    for (Long p = pid; p != null && p > 1; p = parentOf.get(p)) {
      if (p == ancestor) {
        return true;
      }
    }
    return false;
  }

  /**
   * Running, not merely unreaped: PID 1 here reaps orphans only every few seconds, and until then a
   * killed process is a zombie that {@link ProcessHandle#isAlive()} still reports.
   */
  static boolean running(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException gone) {
      return false;
    }
  }

  /**
   * Checks the leftover steps whose task a later start has reached (a journal event for it after
   * the kill that left them; with {@code all}, every one): each must have stopped running, at the
   * latest within a bounded wait on {@link ProcessHandle#onExit()}. Returns how many it checked.
   */
  private int checkLeftovers(String when, int checkedAfter, boolean all, boolean atFirstAppend)
      throws IOException, InterruptedException {
    List<Leftover> due = new ArrayList<>();
    for (Leftover l : leftovers) {
      if (l.fate == null && (all || reached(l))) {
        due.add(l);
      }
    }
    Set<String> marked = markPids();
    for (Leftover l : due) {
      l.checkedAfter = checkedAfter;
      l.checkedAtFirstAppend = atFirstAppend;
      boolean stillRunning = l.members.stream().anyMatch(CrashTorture::running);
      if (stillRunning) {
        try {
          CompletableFuture.allOf(
                  l.members.stream()
                      .filter(CrashTorture::running)
                      .map(ProcessHandle::onExit)
                      .toArray(CompletableFuture[]::new))
              .get((all ? FINAL_BOUND : LEFTOVER_BOUND).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException notYet) {
          // judged below: an unreaped zombie is not running
        }
        stillRunning = l.members.stream().anyMatch(CrashTorture::running);
      }
      boolean workerSaysKilled =
          logCount("killed the step the dead worker left running (pid " + l.pid + ")") > 0;
      boolean leavesMark = l.script.contains(".deploy-") || l.script.contains(".rollback-");
      if (stillRunning) {
        l.fate = "still running";
        violation(
            when
                + ": the step cycle "
                + l.cycle
                + "'s daemon left running (pid "
                + l.pid
                + ", "
                + l.script
                + ", task "
                + l.task
                + (l.journaled ? "" : ", pid not in the journal")
                + ") still runs after "
                + (all ? "the final run --once" : "a later start reached its task")
                + "; the harness kills it now");
        l.members.forEach(ProcessHandle::destroyForcibly);
      } else if (leavesMark && marked.contains(Long.toString(l.pid))) {
        l.fate = "ran to its end";
      } else if (workerSaysKilled) {
        l.fate = "killed by the worker";
      } else if (leavesMark) {
        l.fate = "gone without its mark and without the worker's log line";
      } else {
        l.fate = "ended on its own";
      }
    }
    return due.size();
  }

  /** Whether the journal has an event for the leftover's task after the kill that left it. */
  private boolean reached(Leftover l) throws IOException {
    List<JsonNode> after = appendedSince(l.journalOffset);
    return l.task == null
        ? !after.isEmpty()
        : after.stream().anyMatch(e -> e.path("task").asText().equals(l.task));
  }

  /** The pids that wrote a deploy or rollback mark (the last thing those steps do). */
  private Set<String> markPids() throws IOException {
    Set<String> pids = new HashSet<>();
    for (String name : List.of("deploy.marks", "rollback.marks")) {
      Path f = marks.resolve(name);
      if (Files.exists(f)) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          String[] w = line.trim().split("\\s+");
          if (w.length >= 3) {
            pids.add(w[2]);
          }
        }
      }
    }
    return pids;
  }

  /**
   * After the final run: no step process the harness ever saw still runs, and no process at all
   * works in the scratch project (its working directory there). Returns what it found, killed.
   */
  private List<String> nothingLeftRunning() throws InterruptedException {
    List<String> found = new ArrayList<>();
    Set<Long> pids = new HashSet<>();
    for (ProcessHandle h : stepProcesses.values()) {
      if (running(h)) {
        try {
          h.onExit().get(FINAL_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException notYet) {
          // judged below
        }
      }
      if (running(h)) {
        pids.add(h.pid());
        found.add("pid " + h.pid() + " " + h.info().commandLine().orElse("?"));
        h.destroyForcibly();
      }
    }
    long self = ProcessHandle.current().pid();
    ProcessHandle.allProcesses()
        .filter(h -> h.pid() != self && running(h))
        .forEach(
            h -> {
              try {
                Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd"));
                if (cwd.startsWith(project) && pids.add(h.pid())) {
                  found.add("pid " + h.pid() + " " + h.info().commandLine().orElse("?"));
                  h.destroyForcibly();
                }
              } catch (IOException | RuntimeException notOurs) {
                // gone meanwhile, or another user's process
              }
            });
    for (String f : found) {
      violation("end: still running after the final run --once: " + f + " (killed now)");
    }
    return found;
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
    int claimAhead;
    int tornLines;
    Map<Long, String> openStepPids = new HashMap<>();
    String openStepTask;
    Map<String, String> journalStatus = new HashMap<>();
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
    Map<String, Long> openSteps = new HashMap<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode e = MAPPER.readTree(line);
        o.journal.add(e);
        String task = e.path("task").asText();
        switch (e.path("event").asText()) {
          case "outcome" -> {
            o.outcomes.computeIfAbsent(task, k -> new ArrayList<>()).add(e.path("status").asText());
            o.journalStatus.put(task, e.path("status").asText());
          }
          case "claim" -> o.journalStatus.put(task, "in_progress");
          case "requeue" -> o.journalStatus.remove(task);
          case "step_start" -> {
            openSteps.put(task, 0L);
            o.openStepTask = task;
          }
          case "step_process" -> openSteps.put(task, e.path("pid").asLong());
          case "step_end" -> {
            openSteps.remove(task);
            if (task.equals(o.openStepTask)) {
              o.openStepTask = null;
            }
          }
          default -> {}
        }
      } catch (IOException torn) {
        o.tornLines++;
      }
    }
    openSteps.forEach(
        (task, pid) -> {
          if (pid > 0) {
            o.openStepPids.put(pid, task);
          }
        });

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
      } else if ("pending".equals(status) && "in_progress".equals(o.journalStatus.get(id))) {
        o.claimAhead++; // claim journaled, not yet on the board: the next start re-queues it
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
      int errorLines,
      List<String> stray) {}

  private Final finalChecks(List<String> stray) throws IOException {
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
        violation("end: " + id + " ended " + st + " but no deploy step ever started for it");
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
      if (k > 1 || deployStarts.getOrDefault(id, 0) > 1) {
        violation("end: the deploy of " + id + " ran more than once");
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
        logCount(" ERROR "),
        stray);
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
      Final f)
      throws IOException {
    StringBuilder r = new StringBuilder();
    r.append("# Reliability: crash torture\n\n");
    r.append(
        "A real `devops-worker run` daemon is killed with SIGKILL (`kill -9`, Java's"
            + " `Process.destroyForcibly()`) while it works through a board of pending tasks —"
            + " mostly mid-step, some during start-up — restarted, and killed again; a final `run"
            + " --once` then finishes the work. The board, the journal, the runbook's side effects"
            + " and the step processes a killed daemon left running are checked after every kill"
            + " and at the end against the guarantees in the README (\"Stopping and crashes\","
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
            + " `infrastructure_update` has a `bash` deploy step that sleeps a random 0–799 ms —"
            + " one deploy in four 3–6 s — (`$RANDOM`, not seeded) and then appends `TASK_ID"
            + " TASK_ATTEMPT $$` to `marks/deploy.marks` (so a mark names the step process that"
            + " wrote it), a verify step `true`, and a rollback step that appends to"
            + " `marks/rollback.marks`. The slow deploys are there so that a step killed mid-way"
            + " is often still running when the next start, seconds later on this machine,"
            + " reconciles its task: the worker's own clean-up then has something to kill.\n");
    r.append(
        "- Each cycle starts `java -jar <copy of the jar> run --board … --runbook … --state-dir"
            + " …` and draws (seeded) when to kill it: two cycles in five (*first append*) wait"
            + " until the daemon has really begun to work — its first append to `journal.jsonl`,"
            + " seen through a WatchService on the state dir — and then a random 0–1000 ms; two in"
            + " five (*deploy step*) wait until it has journaled the process of a deploy step and"
            + " then a random 0–1000 ms; one in five (*start-up*) waits a random 50–800 ms after"
            + " the process started. The waits for the journal are bounded ("
            + WORK_WAIT.toSeconds()
            + " s); the delays are seeded chaos, not synchronisation. Just before the SIGKILL the"
            + " harness lists the daemon's descendants.\n");
    r.append(
        "- The harness never kills a step process. Those still running after the kill are"
            + " recorded and left to the worker: its next start finds the dead worker's step in the"
            + " journal (`step_process`: pid and start time) and kills its process group before it"
            + " verifies or re-runs the task. Once a later start has written its first journal"
            + " event for the step's task (the kill comes before it), each such process must have"
            + " stopped, allowing a bounded wait of "
            + LEFTOVER_BOUND.toMillis()
            + " ms on `ProcessHandle.onExit()` ("
            + FINAL_BOUND.toSeconds()
            + " s after the final run). The check runs as soon as the harness sees that start's"
            + " first journal append (both journal plans), else after that start's own kill. PID 1 on"
            + " this machine reaps orphans only every ~2 s, so a killed but not yet reaped process"
            + " (a zombie) counts as stopped. After the final `run --once`, no step process seen in"
            + " any snapshot may still run, and no process may have its working directory in the"
            + " scratch project.\n");
    r.append(
        "- Where a kill landed is judged from what the daemon left behind: **mid-step (deploy)** —"
            + " a deploy step process outlived the daemon; **mid-step (verify)** — a verify (or"
            + " rollback) step did; **mid-write** — the journal held a claim or an outcome that the"
            + " board did not have yet, or a board write's temp file or staged backup was left"
            + " beside the board; **start-up** — nothing had been appended to the journal (JVM"
            + " start-up, the instance lock, the first board read); **working, between steps** —"
            + " the rest (journal appends, board reads, the moments between a step's end and the"
            + " next write); **idle** — nothing was left to do.\n\n");

    int cyclesWithProblems = (int) cycles.stream().filter(c -> c.problems() > 0).count();
    int unparsed = (int) cycles.stream().filter(c -> !c.boardParses()).count();
    int ahead = cycles.stream().mapToInt(Cycle::journalAhead).sum();
    int claimAhead = cycles.stream().mapToInt(Cycle::claimAhead).sum();
    int inProgressSeen = cycles.stream().mapToInt(Cycle::inProgress).sum();
    int torn = cycles.stream().mapToInt(Cycle::tornJournalLines).max().orElse(0);
    int earlyExit = (int) cycles.stream().filter(c -> !c.exit().startsWith("killed")).count();
    int deployMarksTotal = f.deployMarks().values().stream().mapToInt(Integer::intValue).sum();
    int rollbackTotal = f.rollbackMarks().values().stream().mapToInt(Integer::intValue).sum();
    int moreThanOnce = f.notes().size();
    Map<String, Integer> fates = new TreeMap<>();
    for (Leftover l : leftovers) {
      fates.merge(l.fate == null ? "not checked" : l.fate, 1, Integer::sum);
    }
    int leftoverProcesses = leftovers.stream().mapToInt(l -> l.members.size()).sum();
    int stillRunning =
        fates.getOrDefault("still running", 0) + fates.getOrDefault("not checked", 0);
    long unjournaled = leftovers.stream().filter(l -> !l.journaled).count();
    long leftoverDeploys = leftovers.stream().filter(Leftover::deploy).count();
    long checkedTimely = leftovers.stream().filter(l -> l.checkedAtFirstAppend).count();

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
        "leftover steps stopped by the next start",
        "every step process a killed daemon left running had stopped once a later start reached"
            + " its task (the harness never kills them)",
        leftovers.size()
            + " step(s) left running ("
            + leftoverProcesses
            + " processes), "
            + stillRunning
            + " still running then",
        stillRunning == 0);
    row(
        r,
        "nothing left running at the end",
        "after the final `run --once`, no step process from any snapshot runs, and no process"
            + " works in the scratch project",
        f.stray().isEmpty() ? "none" : f.stray().size() + ": " + f.stray(),
        f.stray().isEmpty());
    row(
        r,
        "final `run --once`",
        "the last start reconciles what the dead workers left and runs what is pending, then exits 0",
        "exit " + onceExit + " after " + finalMs + " ms",
        onceExit == 0);
    row(
        r,
        "no task `in_progress` at the end",
        "every DevOps-Engineer task the dead workers left claimed was verified or re-run and"
            + " finished by a later start",
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
        "no deploy ran twice",
        "at most one deploy `step_start` in the journal and one deploy mark per task",
        moreThanOnce == 0 ? "none did" : moreThanOnce + " task(s)",
        moreThanOnce == 0);
    row(
        r,
        "nothing reported done that never deployed",
        "no task ends `done`/`deployed` without a deploy step having started for it (a task"
            + " claimed but not yet deploying when its worker died runs again from the start)",
        f.neverDeployed().isEmpty() ? "none" : f.neverDeployed().toString(),
        f.neverDeployed().isEmpty());
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
    Map<String, Long> plans = new LinkedHashMap<>();
    for (Plan p : Plan.values()) {
      plans.put(p.label, cycles.stream().filter(c -> c.plan() == p).count());
    }
    r.append("| plans (when the kill came) | ")
        .append(
            plans.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")))
        .append(" |\n");
    for (Plan p : List.of(Plan.FIRST_APPEND, Plan.DEPLOY_STEP)) {
      List<Long> waits =
          cycles.stream().filter(c -> c.plan() == p).map(Cycle::waitedMs).sorted().toList();
      if (!waits.isEmpty()) {
        r.append("| ")
            .append(p.label)
            .append(" plan: process start → ")
            .append(p == Plan.FIRST_APPEND ? "first journal append" : "deploy step journaled")
            .append(", median / max | ")
            .append(waits.get(waits.size() / 2))
            .append(" / ")
            .append(waits.get(waits.size() - 1))
            .append(" ms |\n");
      }
    }
    Map<Landed, Long> landed = new LinkedHashMap<>();
    for (Landed l : Landed.values()) {
      landed.put(l, cycles.stream().filter(c -> c.landed() == l).count());
    }
    r.append("| where the kills landed | ")
        .append(
            landed.entrySet().stream()
                .map(e -> e.getKey().label + " " + e.getValue())
                .collect(Collectors.joining(", ")))
        .append(" |\n");
    r.append("| step processes left running by a kill (the harness killed none) | ")
        .append(leftovers.size())
        .append(" steps (")
        .append(leftoverDeploys)
        .append(" deploy, ")
        .append(leftovers.size() - leftoverDeploys)
        .append(" verify/rollback), ")
        .append(leftoverProcesses)
        .append(" processes with what they started |\n");
    r.append("| what became of them once a later start reached their task | ")
        .append(fates)
        .append(" |\n");
    r.append("| … checked the moment that start's first journal append was seen / later | ")
        .append(checkedTimely)
        .append(" / ")
        .append(leftovers.size() - checkedTimely)
        .append(" |\n");
    r.append("| left running with a pid the journal did not have (started, killed before its")
        .append(" `step_process` append) | ")
        .append(unjournaled)
        .append(" |\n");
    r.append("| daemon log lines \"killed the step the dead worker left running\" | ")
        .append(logCount("killed the step the dead worker left running"))
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
    r.append("| kills after which the journal was ahead of the board: outcome journaled, board")
        .append(" not yet written / claim journaled, board still `pending` | ")
        .append(ahead)
        .append(" / ")
        .append(claimAhead)
        .append(" |\n");
    r.append("| kills that left a board write's temp file or staged backup beside the board | ")
        .append(cycles.stream().filter(c -> c.writerFiles() > 0).count())
        .append(" (")
        .append(writerFiles().size())
        .append(" such file(s) there at the end; the next write removes them) |\n");
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
    r.append("| tasks finished without a deploy mark (the deploy step was killed before its")
        .append(" `echo`; the next start only verified) | ")
        .append(f.deployedWithoutMark())
        .append(" |\n");
    r.append("| journal `requeue` events (a dead worker's claim never reached the board, so the")
        .append(" task was simply pending again) | ")
        .append(f.requeues())
        .append(" |\n");
    r.append("| daemon log lines \"before any deploy step; running it from the start\" | ")
        .append(logCount("before any deploy step; running it from the start"))
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

    r.append("### What a kill leaves, and what the next start does with it\n\n");
    r.append(
        "The worker journals a claim before it writes it to the board, journals each step's"
            + " start and then its process (pid and start time), and journals the outcome before"
            + " it writes that. The next start reads the journal first:\n\n"
            + "- **claim journaled, not yet on the board** — it journals a `requeue` (\"the dead"
            + " worker's claim never reached the board\") and runs the task normally: one"
            + " deploy.\n"
            + "- **claim on the board (`in_progress`), no deploy step started** — it kills the"
            + " dead worker's step if one still runs (a verify step of an earlier reconcile, say),"
            + " claims the task again and runs it from the start (\"running it from the start\").\n"
            + "- **claim on the board, a deploy step started** — it kills the dead worker's step"
            + " if it still runs, then runs only the `verify` phase and keeps the task (`done`,"
            + " \"after restart verify passed, so the deployment stands\") or rolls it back"
            + " (`failed`). It does not deploy again. Verify is `true` here, so these tasks end"
            + " `done`, with **0** deploy marks when the step was killed before its `echo` and 1"
            + " when it had got there.\n"
            + "- **outcome journaled, board not yet written** — it writes the journaled outcome"
            + " to the board; its log calls this \"a stale copy of the board was written back, or"
            + " the worker stopped before its own write\".\n\n"
            + "So 0 or 1 deploy marks per task is expected; 2 would mean a deploy ran again after a"
            + " crash. No rollback ran, because verify never fails here. After a crash it is"
            + " verify that decides whether a half-done deploy stands, so a runbook's verify"
            + " should check that the change is really in place.\n\n");

    r.append("### Found by this harness\n\n");
    r.append(
        "- **A task claimed but not yet deploying when its worker died was reported done.** The"
            + " first version of this harness found that such a task was only re-verified, and with"
            + " a weak verify ended `done` although nothing had been deployed. The journal now"
            + " records whether a deploy or rollback step started since the claim, and such a task"
            + " runs again from the start; the row \"nothing reported done that never deployed\""
            + " checks it.\n"
            + "- **A step that had already ended was taken for a running one, and its process group"
            + " killed.** Once the harness stopped killing leftover steps itself, a run showed the"
            + " worker logging \"killed the step the dead worker left running\" for steps that had"
            + " run to their end (their mark was written) while no worker was there. Such a step"
            + " stays a zombie until PID 1 reaps it — here up to ~2 s — and the JDK still reports a"
            + " zombie alive; the restarted worker then killed the step's process group, which"
            + " would also have killed anything the step had started in the background (a"
            + " service). `StepRunner.killLeftover` now reads the process state and leaves an"
            + " exited step alone, as it does once the step is reaped (regression test:"
            + " `LeftoverStepTest`). In this run the worker's log names exactly the "
            + fates.getOrDefault("killed by the worker", 0)
            + " steps it really killed.\n"
            + "- **Found, then fixed:** a kill inside a board write left its temp file"
            + " (`.tasks.json.*.tmp`, a whole copy of the board) or staged backup"
            + " (`.tasks.json.*.bak`) beside the board for good. A writer that has just taken the"
            + " lock now removes them (`AtomicReplace.removeLeftovers`; regression test"
            + " `SyntheticBoardsTest.tempFilesAKilledWriterLeft_areRemovedByTheNextWrite`); the"
            + " row above counts the kills that left one.\n\n");

    r.append("## Per kill\n\n");
    r.append(
        "State the next start sees, right after each kill: the plan, how long the harness waited"
            + " for the daemon's work (its first journal append, or a deploy step's process), the"
            + " chaos delay, where the kill landed, the"
            + " torture tasks by board status, outcomes and claims journaled but not yet on the"
            + " board, the step processes left running, earlier leftovers checked in this cycle,"
            + " problems found.\n\n");
    r.append(
        "| # | plan | waited ms | delay ms | landed | pending | in_progress | finished | journal"
            + " ahead (outcome / claim) | steps left running (processes) | earlier leftovers"
            + " checked | problems |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Cycle c : cycles) {
      r.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %d | %s | %d | %d | %d | %d / %d | %d (%d) | %d | %d |%n",
              c.n(),
              c.plan().label,
              c.waitedMs() < 0 ? "–" : Long.toString(c.waitedMs()),
              c.delayMs(),
              c.landed().label,
              c.pending(),
              c.inProgress(),
              c.terminal(),
              c.journalAhead(),
              c.claimAhead(),
              c.leftoverSteps(),
              c.leftoverProcesses(),
              c.earlierChecked(),
              c.problems()));
    }
    if (!leftovers.isEmpty()) {
      r.append("\n## Steps left running\n\n");
      r.append(
          "| kill # | pid | script | task | pid in journal | checked after kill # | fate |\n"
              + "|---|---|---|---|---|---|---|\n");
      for (Leftover l : leftovers) {
        r.append(
            String.format(
                Locale.ROOT,
                "| %d | %d | `%s` | %s | %s | %s | %s |%n",
                l.cycle,
                l.pid,
                l.script,
                l.task,
                l.journaled ? "yes" : "**no**",
                l.checkedAfter > kills
                    ? "final run"
                    : l.checkedAfter + (l.checkedAtFirstAppend ? " (at its first append)" : ""),
                l.fate));
      }
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

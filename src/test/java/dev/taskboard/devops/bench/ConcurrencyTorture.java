package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskboard.devops.testing.TestEnv;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Concurrency torture: the real {@code devops-worker run} daemon works through pending DevOps tasks
 * while eight other real processes write the same board and {@code human-requests.md} at once —
 * four that respect the lock ({@code board patch} / {@code board add}), two that ignore it and
 * rewrite the whole board with Jackson (like an LLM's file tool), two that append requests to
 * {@code human-requests.md} ignoring its lock — and a reader thread parses every board version it
 * sees. Afterwards every writer's record is compared with the final files and the worker's journal.
 *
 * <pre>
 * mvn -B -q -DskipTests package test-compile &amp;&amp; java -cp target/devops-worker.jar:target/test-classes dev.taskboard.devops.bench.ConcurrencyTorture [--seconds 60] [--tasks 300] [--seed N] [--out DIR] [--doc FILE|-]
 * </pre>
 *
 * <p>{@code --out DIR}: where the scratch project, the writers' records and the logs stay (default:
 * a new temp directory). {@code --doc}: the Markdown report (default {@code
 * docs/reliability-concurrency.md}; {@code -} for none). Exit 0 when every invariant held, 1 when
 * one was violated (the evidence is printed), 2 on bad arguments or set-up failures.
 *
 * <p>A lost change is attributed by time: a board version written by rename at time T is undone by
 * a writer that read the board before T and renamed after T. A loss that overlaps the read→rename
 * window of a lock-ignoring writer is that writer's (legitimate: it ignored the lock); a loss no
 * other writer's window explains is charged to the worker and is a violation.
 */
public final class ConcurrencyTorture {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String WORKER = "DevOps-Engineer";
  private static final Set<String> TERMINAL = Set.of("deployed", "done", "failed");
  private static final int LOCKED = 4;
  private static final int FOREIGN = 2;
  private static final int HITL = 2;
  private static final Pattern KEY =
      Pattern.compile("<!--\\s*devops-worker\\b[^\\n>]*?\\bkey=\"([^\"]*)\"[^\\n>]*-->");

  private final int seconds;
  private final int tasks;
  private final long seed;
  private final Path out;
  private final Path doc;
  private final String args;
  private final String java =
      Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath().toString();

  private Path project;
  private Path board;
  private Path requests;
  private Path runbook;
  private Path state;
  private Path logs;
  private Path records;
  private Path jar;
  private Path stop;
  private Map<String, String> env;

  private final List<String> violations = new ArrayList<>();
  private final Map<String, String> table = new LinkedHashMap<>();
  private final Map<String, Boolean> ok = new LinkedHashMap<>();

  // reader thread results
  private final AtomicBoolean reading = new AtomicBoolean(true);
  private volatile long versions;
  private volatile long readFailures;
  private volatile String firstReadFailure;

  /** One line of a writer's record. */
  record Rec(
      String writer,
      String kind,
      String id,
      String field,
      String value,
      long start,
      long end,
      int rc) {}

  private ConcurrencyTorture(int seconds, int tasks, long seed, Path out, Path doc, String args) {
    this.seconds = seconds;
    this.tasks = tasks;
    this.seed = seed;
    this.out = out;
    this.doc = doc;
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    int seconds = 60;
    int tasks = 300;
    long seed = System.nanoTime() & 0xFFFFFFFL;
    Path out = null;
    Path doc = Path.of("docs", "reliability-concurrency.md");
    List<String> shown = new ArrayList<>();
    try {
      for (int i = 0; i < argv.length; i++) {
        switch (argv[i]) {
          case "--seconds" -> seconds = Integer.parseInt(argv[++i]);
          case "--tasks" -> tasks = Integer.parseInt(argv[++i]);
          case "--seed" -> seed = Long.parseLong(argv[++i]);
          case "--out" -> out = Path.of(argv[++i]);
          case "--doc" -> doc = argv[++i].equals("-") ? null : Path.of(argv[i]);
          default -> throw new IllegalArgumentException("unknown argument " + argv[i]);
        }
      }
    } catch (RuntimeException e) {
      System.err.println(
          "concurrency-torture: "
              + e.getMessage()
              + "; usage: ConcurrencyTorture [--seconds 60] [--tasks 300] [--seed N] [--out DIR]"
              + " [--doc FILE|-]");
      System.exit(2);
      return;
    }
    shown.add("--seconds " + seconds);
    shown.add("--tasks " + tasks);
    shown.add("--seed " + seed);
    if (out == null) {
      out = Files.createTempDirectory("concurrency-torture-");
    } else {
      shown.add("--out " + out);
    }
    Files.createDirectories(out);
    ConcurrencyTorture t =
        new ConcurrencyTorture(
            seconds, tasks, seed, out.toAbsolutePath(), doc, String.join(" ", shown));
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
    String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
    String loadBefore = load();
    long t0 = System.nanoTime();
    setUp();
    log("scratch project " + project + ", seed " + seed);

    Thread reader = new Thread(this::readLoop, "board-reader");
    reader.setDaemon(true);
    reader.start();

    Path daemonLog = logs.resolve("daemon.log");
    DaemonProcess daemon = DaemonProcess.start(command(false), project, daemonLog, daemonLog, env);
    List<DaemonProcess> writers = new ArrayList<>();
    String cp = classpath();
    long feedMs = Math.max(1000, seconds * 750L);
    for (int w = 1; w <= LOCKED; w++) {
      List<String> c = writer(cp, "locked", board, "L" + w, w);
      if (w == 1) {
        c.add(Integer.toString(tasks));
        c.add(Long.toString(feedMs));
      }
      writers.add(start(c, "locked-" + w));
    }
    for (int w = 1; w <= FOREIGN; w++) {
      writers.add(start(writer(cp, "foreign", board, "F" + w, w), "foreign-" + w));
    }
    for (int w = 1; w <= HITL; w++) {
      writers.add(start(writer(cp, "hitl", requests, "H" + w, w), "hitl-" + w));
    }
    log("daemon pid " + daemon.pid() + " and " + writers.size() + " writers started");

    // at least --seconds; longer (up to 180 s more) while the feeder has not added every task
    long begin = System.nanoTime();
    long until = begin + seconds * 1_000_000_000L;
    long cap = until + 180_000_000_000L;
    while (System.nanoTime() < until || (fed() < tasks && System.nanoTime() < cap)) {
      Thread.sleep(5000);
      if (!daemon.alive()) {
        violation(
            "the daemon exited "
                + daemon.process.exitValue()
                + " during the run: "
                + tail(daemonLog));
        break;
      }
      log(
          "… "
              + (System.nanoTime() - begin) / 1_000_000_000L
              + " s, "
              + fed()
              + " of "
              + tasks
              + " DevOps tasks fed, "
              + openDevops()
              + " open on the board");
    }
    Files.writeString(stop, "stop");
    for (DaemonProcess w : writers) {
      int rc = w.await(Duration.ofSeconds(60));
      if (rc != 0) {
        violation(
            "writer " + w.stderrLog.getFileName() + " exited " + rc + ": " + tail(w.stderrLog));
      }
    }
    long runMs = (System.nanoTime() - t0) / 1_000_000;
    log("writers stopped after " + runMs + " ms; letting the daemon drain");

    // drain: wait until none of the fed tasks is pending / in_progress
    long d0 = System.nanoTime();
    long drainLimit = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < drainLimit && daemon.alive()) {
      if (openDevops() == 0) {
        break;
      }
      Thread.sleep(500);
    }
    long drainMs = (System.nanoTime() - d0) / 1_000_000;
    Integer termExit = daemon.stop(Duration.ofSeconds(60));
    Path onceLog = logs.resolve("daemon-once.log");
    int onceExit =
        DaemonProcess.start(command(true), project, onceLog, onceLog, env)
            .await(Duration.ofMinutes(10));
    Thread.sleep(300);
    reading.set(false);
    reader.join(5000);
    if (termExit == null || (termExit != 0 && termExit != 143)) {
      violation("the daemon did not exit 0/143 on SIGTERM: " + termExit);
    }
    if (onceExit != 0) {
      violation("the final run --once exited " + onceExit + ": " + tail(onceLog));
    }
    log(
        "drained in "
            + drainMs
            + " ms; SIGTERM exit "
            + termExit
            + ", run --once exit "
            + onceExit);

    checks();
    long totalMs = (System.nanoTime() - t0) / 1_000_000;
    String report = report(date, loadBefore, runMs, drainMs, totalMs);
    System.out.println(report);
    if (doc != null) {
      Files.createDirectories(doc.toAbsolutePath().getParent());
      Files.writeString(doc, report, StandardCharsets.UTF_8);
      log("wrote " + doc);
    }
    if (!violations.isEmpty()) {
      System.err.println("concurrency-torture: " + violations.size() + " invariant violation(s):");
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
    Path dir = Files.createDirectories(project.resolve("board"));
    Files.createDirectories(project.resolve("marks"));
    logs = Files.createDirectories(out.resolve("logs"));
    records = Files.createDirectories(out.resolve("records"));
    state = project.resolve("state");
    board = dir.resolve("tasks.json");
    requests = dir.resolve("human-requests.md");
    runbook = project.resolve("deployment.md");
    stop = out.resolve("STOP");
    // HOME and XDG_* under --out: the instance lock, the journal key and caches stay there.
    env = TestEnv.in(out);
    Files.createDirectories(Path.of(env.get("HOME")));
    Files.createDirectories(Path.of(env.get("XDG_RUNTIME_DIR")));

    Path built = Path.of("target", "devops-worker.jar");
    if (!Files.isRegularFile(built)) {
      throw new IOException(built + " is missing: run `mvn -B -q -DskipTests package` first");
    }
    jar = out.resolve("devops-worker.jar");
    Files.copy(built, jar, StandardCopyOption.REPLACE_EXISTING);

    byte[] bytes = DaemonBoard.otherAgents(60_000, seed);
    Instant now = Instant.now();
    for (int w = 1; w <= LOCKED; w++) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("id", "OWN-" + w);
      t.put("type", "implement_feature");
      t.put("status", "in_progress");
      t.put("agent", "Task-Coder");
      t.put("title", "Lock-respecting writer " + w + "'s own task");
      t.put("created_at", now.toString());
      t.put("updated_at", now.toString());
      bytes = DaemonBoard.append(bytes, DaemonBoard.entry(t));
    }
    Files.write(board, bytes);
    Path template = Path.of("human-requests.md.template");
    Files.copy(template, requests);
    Files.writeString(runbook, runbookText(), StandardCharsets.UTF_8);
  }

  /** No gates, 2 attempts, a deploy that sleeps 0–200 ms and fails about one time in five. */
  static String runbookText() {
    return String.join(
        "\n",
        "# Concurrency torture runbook",
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
        "attempts: 2",
        "backoff: 100ms",
        "grace: 5s",
        "```",
        "",
        "## infrastructure_update",
        "",
        "### deploy",
        "",
        "```bash",
        "sleep \"$(printf '0.%03d' $((RANDOM % 201)))\"",
        "echo \"$TASK_ID $TASK_ATTEMPT\" >> \"$RUNBOOK_DIR/marks/deploy.marks\"",
        "if [ $((RANDOM % 5)) -eq 0 ]; then echo 'simulated failure' >&2; exit 1; fi",
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
        "echo \"$TASK_ID $TASK_ATTEMPT\" >> \"$RUNBOOK_DIR/marks/rollback.marks\"",
        "```",
        "");
  }

  private List<String> command(boolean once) {
    List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar.toString(), "run"));
    if (once) {
      cmd.add("--once");
    }
    cmd.addAll(
        List.of(
            "--board",
            board.toString(),
            "--runbook",
            runbook.toString(),
            "--state-dir",
            state.toString()));
    return cmd;
  }

  /**
   * The writers' classpath: copies of this JVM's class path entries under {@code out/classpath}, so
   * that a rebuild of {@code target/} during the run does not change the writers.
   */
  private String classpath() throws IOException {
    List<String> entries = new ArrayList<>();
    Path dir = Files.createDirectories(out.resolve("classpath"));
    int i = 0;
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path src = Path.of(e).toAbsolutePath();
      Path dst = dir.resolve(i++ + "-" + src.getFileName());
      if (Files.isDirectory(src)) {
        try (var walk = Files.walk(src)) {
          for (Path p : walk.toList()) {
            Path t = dst.resolve(src.relativize(p).toString());
            if (Files.isDirectory(p)) {
              Files.createDirectories(t);
            } else {
              Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
      } else if (Files.isRegularFile(src)) {
        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
      } else {
        continue;
      }
      entries.add(dst.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private List<String> writer(String cp, String mode, Path file, String name, int w) {
    return new ArrayList<>(
        List.of(
            java,
            "-cp",
            cp,
            ConcurrencyWriter.class.getName(),
            mode,
            file.toString(),
            Integer.toString(w),
            records.resolve(name + ".tsv").toString(),
            stop.toString(),
            Long.toString(seed)));
  }

  private DaemonProcess start(List<String> cmd, String name) throws IOException {
    Path log = logs.resolve(name + ".log");
    return DaemonProcess.start(cmd, project, log, log, env);
  }

  // ------------------------------------------------------------------------------------------
  // the reader thread

  private void readLoop() {
    Map<String, JsonNode> prev = null;
    DaemonBoard.Stat last = null;
    try (WatchService ws = FileSystems.getDefault().newWatchService()) {
      board
          .getParent()
          .register(
              ws,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
      while (reading.get()) {
        var key = ws.poll(20, TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
        DaemonBoard.Version v;
        try {
          v = DaemonBoard.read(board);
        } catch (NoSuchFileException gone) {
          readFailures++;
          firstReadFailure = firstReadFailure == null ? "the board was missing" : firstReadFailure;
          continue;
        } catch (IOException busy) {
          continue;
        }
        if (v.stat().equals(last)) {
          continue;
        }
        last = v.stat();
        versions++;
        try {
          JsonNode tasks = MAPPER.readTree(v.bytes());
          Map<String, JsonNode> cur = new LinkedHashMap<>();
          for (JsonNode t : tasks) {
            cur.put(t.path("id").asText(), t);
          }
          if (prev != null) {
            diff(prev, cur, versions);
          }
          prev = cur;
        } catch (IOException | RuntimeException e) {
          readFailures++;
          Path copy = logs.resolve("unparseable-" + versions + ".json");
          Files.write(copy, v.bytes());
          if (firstReadFailure == null) {
            firstReadFailure = e.getMessage() + " (copy " + copy + ")";
          }
        }
      }
    } catch (IOException e) {
      firstReadFailure = "reader thread: " + e;
      readFailures++;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How many DevOps tasks the feeder has added so far. */
  private int fed() {
    try {
      Path f = records.resolve("L1.tsv");
      if (!Files.exists(f)) {
        return 0;
      }
      return (int)
          Files.readAllLines(f, StandardCharsets.UTF_8).stream()
              .filter(l -> l.startsWith("devops\t") && l.endsWith("\t0"))
              .count();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Something one board version (as the reader saw it) removed: a task, a field, or a counter that
   * went backwards; {@code by} is who made the version's other changes (its signature: {@code Fw}
   * for a lock-ignoring writer's new field, {@code Lw} for a lock-respecting writer's counter or
   * task, {@code worker} for a change to a DevOps task; several when the reader missed versions).
   */
  record Drop(long version, String id, String field, String was, String now, Set<String> by) {}

  private final List<Drop> drops = new ArrayList<>();

  private void diff(Map<String, JsonNode> prev, Map<String, JsonNode> cur, long version) {
    Set<String> by = new TreeSet<>();
    List<Drop> found = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : cur.entrySet()) {
      String id = e.getKey();
      JsonNode was = prev.get(id);
      if (was == null) {
        by.add(adder(id));
        continue;
      }
      if (was.equals(e.getValue())) {
        continue;
      }
      JsonNode now = e.getValue();
      var names = new TreeSet<String>();
      was.fieldNames().forEachRemaining(names::add);
      now.fieldNames().forEachRemaining(names::add);
      for (String f : names) {
        JsonNode a = was.get(f);
        JsonNode b = now.get(f);
        if (a != null && a.equals(b)) {
          continue;
        }
        if (f.startsWith("foreign_")) {
          if (b == null) {
            found.add(new Drop(version, id, f, a.asText(), null, null));
          } else {
            by.add("F" + f.split("_")[1]);
          }
        } else if (f.startsWith("counter_")) {
          if (b == null || (a != null && b.asLong() < a.asLong())) {
            found.add(new Drop(version, id, f, a.asText(), b == null ? null : b.asText(), null));
          } else {
            by.add("L" + f.substring("counter_".length()));
          }
        } else if (id.startsWith("CT-DEVOPS-")) {
          by.add("worker");
        } else {
          by.add("other(" + id + "." + f + ")");
        }
      }
    }
    for (String id : prev.keySet()) {
      if (!cur.containsKey(id)) {
        found.add(new Drop(version, id, null, "present", null, null));
      }
    }
    if (!found.isEmpty()) {
      synchronized (drops) {
        for (Drop d : found) {
          drops.add(new Drop(d.version(), d.id(), d.field(), d.was(), d.now(), Set.copyOf(by)));
        }
      }
    }
  }

  private static String adder(String id) {
    if (id.startsWith("ADD-")) {
      return "L" + id.split("-")[1];
    }
    if (id.startsWith("CT-DEVOPS-")) {
      return "L1";
    }
    return "worker";
  }

  /**
   * Who undid a lock-respecting writer's change: from the reader's version diff, else (the reader
   * missed the versions) by time — a lock-ignoring writer whose read→rename window overlaps it.
   */
  private static String lostLockedUpdate(Drop d, Rec r, List<Rec> foreignOk) {
    String who = culprit(d, "");
    if (d == null && !overlapping(foreignOk, r, r.start(), r.end()).isEmpty()) {
      return "lock-ignoring writer";
    }
    return who;
  }

  /** The culprit class of a drop: a lock-ignoring writer, the worker, a lock-respecting writer. */
  private static String culprit(Drop d, String self) {
    if (d == null) {
      return "unattributed: the reader never saw the version with the field";
    }
    if (d.by().stream().anyMatch(b -> b.startsWith("F") && !b.equals(self))) {
      return "lock-ignoring writer";
    }
    if (d.by().contains("worker") && d.by().stream().anyMatch(b -> b.startsWith("L"))) {
      return "lock-respecting writer or worker (the reader missed a version)";
    }
    if (d.by().contains("worker")) {
      return "worker";
    }
    if (d.by().stream().anyMatch(b -> b.startsWith("L"))) {
      return "lock-respecting writer";
    }
    return "unknown";
  }

  private Drop lastDrop(String id, String field) {
    synchronized (drops) {
      for (int i = drops.size() - 1; i >= 0; i--) {
        Drop d = drops.get(i);
        if (d.id().equals(id) && Objects.equals(d.field(), field)) {
          return d;
        }
      }
    }
    return null;
  }

  private int openDevops() {
    try {
      int open = 0;
      for (JsonNode t : MAPPER.readTree(DaemonBoard.read(board).bytes())) {
        if (t.path("id").asText().startsWith("CT-DEVOPS-")) {
          String s = t.path("status").asText();
          if (s.equals("pending") || s.equals("in_progress")) {
            open++;
          }
        }
      }
      return open;
    } catch (IOException e) {
      return -1;
    }
  }

  // ------------------------------------------------------------------------------------------
  // checks

  private List<Rec> records(String prefix) throws IOException {
    List<Rec> out = new ArrayList<>();
    try (var files = Files.list(records)) {
      for (Path p : files.sorted().toList()) {
        String name = p.getFileName().toString().replace(".tsv", "");
        if (!name.startsWith(prefix)) {
          continue;
        }
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          String[] f = line.split("\t");
          if (f.length == 7) {
            out.add(
                new Rec(
                    name,
                    f[0],
                    f[1],
                    f[2],
                    f[3],
                    Long.parseLong(f[4]),
                    Long.parseLong(f[5]),
                    Integer.parseInt(f[6])));
          }
        }
      }
    }
    return out;
  }

  /** Writers (other than {@code self}) whose read→rename window spans the instant {@code at}. */
  private static List<Rec> spanning(List<Rec> windows, Rec self, long at) {
    List<Rec> out = new ArrayList<>();
    for (Rec r : windows) {
      if (r != self && !r.writer().equals(self.writer()) && r.start() <= at && r.end() >= at) {
        out.add(r);
      }
    }
    return out;
  }

  /** Writers (other than {@code self}) whose window overlaps [{@code from}, {@code to}]. */
  private static List<Rec> overlapping(List<Rec> windows, Rec self, long from, long to) {
    List<Rec> out = new ArrayList<>();
    for (Rec r : windows) {
      if (r != self && !r.writer().equals(self.writer()) && r.start() <= to && r.end() >= from) {
        out.add(r);
      }
    }
    return out;
  }

  private void checks() throws IOException {
    List<Rec> locked = records("L");
    List<Rec> foreign = records("F");
    List<Rec> hitl = records("H");
    List<Rec> lockedOk = locked.stream().filter(r -> r.rc() == 0).toList();
    List<Rec> foreignOk = foreign.stream().filter(r -> r.kind().equals("field")).toList();
    JsonNode finalBoard = MAPPER.readTree(Files.readAllBytes(board));
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    Map<String, Integer> idCount = new HashMap<>();
    for (JsonNode t : finalBoard) {
      String id = t.path("id").asText();
      byId.put(id, t);
      idCount.merge(id, 1, Integer::sum);
    }
    idCount.forEach(
        (id, n) -> {
          if (n > 1) {
            violation("id " + id + " appears " + n + " times on the final board");
          }
        });
    List<Long> journalTimes = new ArrayList<>();
    List<JsonNode> journal = new ArrayList<>();
    for (String line : Files.readAllLines(state.resolve("journal.jsonl"), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        JsonNode e = MAPPER.readTree(line);
        journal.add(e);
        journalTimes.add(Instant.parse(e.path("ts").asText()).toEpochMilli());
      }
    }

    // 1. every read parsed
    put(
        "board versions the reader parsed",
        versions + " seen, " + readFailures + " failed",
        readFailures == 0);
    if (readFailures > 0) {
      violation(readFailures + " board version(s) did not parse: " + firstReadFailure);
    }

    // 2. lock-respecting writers: no lost update
    int contention = (int) locked.stream().filter(r -> r.rc() == 5).count();
    List<Rec> otherRc = locked.stream().filter(r -> r.rc() != 0 && r.rc() != 5).toList();
    for (Rec r : otherRc) {
      violation(
          "lock-respecting writer "
              + r.writer()
              + ": "
              + r.kind()
              + " "
              + r.id()
              + " exited "
              + r.rc()
              + " (log "
              + logs.resolve("locked-" + r.writer().substring(1) + ".log")
              + ")");
    }
    int sets = 0;
    int adds = 0;
    int lostToForeign = 0;
    int lostUnexplained = 0;
    for (int w = 1; w <= LOCKED; w++) {
      String name = "L" + w;
      List<Rec> mine =
          lockedOk.stream().filter(r -> r.writer().equals(name) && r.kind().equals("set")).toList();
      sets += mine.size();
      if (mine.isEmpty()) {
        continue;
      }
      Rec lastSet = mine.get(mine.size() - 1);
      JsonNode own = byId.get("OWN-" + w);
      String fin = own == null ? null : own.path("counter_" + w).asText(null);
      if (!lastSet.value().equals(fin)) {
        Drop d = lastDrop("OWN-" + w, "counter_" + w);
        String who = lostLockedUpdate(d, lastSet, foreignOk);
        if (who.equals("lock-ignoring writer")) {
          lostToForeign++;
        } else {
          lostUnexplained++;
          violation(
              "OWN-"
                  + w
                  + ".counter_"
                  + w
                  + " is "
                  + fin
                  + " at the end, writer "
                  + name
                  + " last set "
                  + lastSet.value()
                  + " (exit 0, "
                  + lastSet.start()
                  + "–"
                  + lastSet.end()
                  + " ms); dropped by: "
                  + who
                  + " ("
                  + d
                  + ")");
        }
      }
    }
    int devopsAdded = 0;
    int devopsLost = 0;
    for (Rec r : lockedOk) {
      if (!r.kind().equals("add") && !r.kind().equals("devops")) {
        continue;
      }
      adds++;
      if (r.kind().equals("devops")) {
        devopsAdded++;
      }
      if (!byId.containsKey(r.id())) {
        if (r.kind().equals("devops")) {
          devopsLost++;
        }
        Drop d = lastDrop(r.id(), null);
        String who = lostLockedUpdate(d, r, foreignOk);
        if (who.equals("lock-ignoring writer")) {
          lostToForeign++;
        } else {
          lostUnexplained++;
          violation(
              "task "
                  + r.id()
                  + " added by "
                  + r.writer()
                  + " (exit 0, "
                  + r.start()
                  + "–"
                  + r.end()
                  + " ms) is missing; dropped by: "
                  + who
                  + " ("
                  + d
                  + ")");
        }
      }
    }
    // every counter that went backwards in a version the reader saw
    Map<String, Integer> reverts = new TreeMap<>();
    List<Drop> allDrops;
    synchronized (drops) {
      allDrops = List.copyOf(drops);
    }
    for (Drop d : allDrops) {
      if (d.field() != null && d.field().startsWith("counter_")) {
        String who = culprit(d, "");
        reverts.merge(who, 1, Integer::sum);
        if (!who.equals("lock-ignoring writer")) {
          violation(
              "a board version took "
                  + d.id()
                  + "."
                  + d.field()
                  + " back from "
                  + d.was()
                  + " to "
                  + d.now()
                  + " and no lock-ignoring writer's change is in it: "
                  + d);
        }
      }
    }
    put(
        "lock-respecting writers: updates made",
        sets + " counter sets, " + adds + " tasks added (" + devopsAdded + " DevOps tasks fed)",
        true);
    put(
        "lock-respecting writers: lost updates (final board)",
        lostUnexplained
            + " not explained by a lock-ignoring writer; "
            + lostToForeign
            + " undone by a lock-ignoring writer's whole-board rewrite",
        lostUnexplained == 0);
    put(
        "lock-respecting writers: counter reverts the reader saw, by who wrote the version",
        reverts.isEmpty() ? "none" : reverts.toString(),
        reverts.keySet().stream().allMatch(k -> k.equals("lock-ignoring writer")));
    put(
        "lock-respecting writers: busy exits (5)",
        contention + " of " + locked.size() + " board commands (retried)",
        true);
    put(
        "lock-respecting writers: other non-zero exits",
        Integer.toString(otherRc.size()),
        otherRc.isEmpty());

    // 3. lock-ignoring board writers
    int survived = 0;
    Map<String, Integer> lostBy = new TreeMap<>();
    for (Rec r : foreignOk) {
      JsonNode t = byId.get(r.id());
      if (t != null && r.value().equals(t.path(r.field()).asText(null))) {
        survived++;
        continue;
      }
      Drop d = lastDrop(r.id(), r.field());
      String who = culprit(d, r.writer());
      if (d == null && !spanning(foreign, r, r.end()).isEmpty()) {
        who = "lock-ignoring writer (by time; the reader missed the version)";
      }
      lostBy.merge(who, 1, Integer::sum);
      if (who.equals("worker")) {
        violation(
            "field "
                + r.field()
                + " of "
                + r.id()
                + " (renamed into place by "
                + r.writer()
                + " at "
                + r.end()
                + " ms) was dropped by a version that changed only DevOps tasks"
                + " (the worker's write): "
                + d);
      } else if (who.equals("unknown")) {
        violation(
            "field "
                + r.field()
                + " of "
                + r.id()
                + " (renamed into place by "
                + r.writer()
                + " at "
                + r.end()
                + " ms) is gone and no writer is identified: "
                + d);
      }
    }
    int unparsedForeign = (int) foreign.stream().filter(r -> r.kind().equals("unparsed")).count();
    put("lock-ignoring board writers: fields written", Integer.toString(foreignOk.size()), true);
    put(
        "lock-ignoring board writers: fields survived / lost (lost by who wrote the version that"
            + " dropped them)",
        survived + " / " + (foreignOk.size() - survived) + " " + lostBy,
        !lostBy.containsKey("worker") && !lostBy.containsKey("unknown"));
    put(
        "lock-ignoring board writers: unparseable reads",
        Integer.toString(unparsedForeign),
        unparsedForeign == 0);
    if (unparsedForeign > 0) {
      violation("the lock-ignoring writers read " + unparsedForeign + " unparseable board(s)");
    }

    // 4. the worker's own state
    Map<String, String> lastOutcome = new HashMap<>();
    Map<String, Set<String>> outcomes = new HashMap<>();
    Map<String, Integer> claims = new HashMap<>();
    int restores = 0;
    for (JsonNode e : journal) {
      String task = e.path("task").asText();
      switch (e.path("event").asText()) {
        case "outcome" -> {
          lastOutcome.put(task, e.path("status").asText());
          outcomes.computeIfAbsent(task, k -> new TreeSet<>()).add(e.path("status").asText());
        }
        case "claim" -> claims.merge(task, 1, Integer::sum);
        case "restore" -> restores++;
        default -> {}
      }
    }
    Map<String, Integer> statusCounts = new TreeMap<>();
    int stateProblems = 0;
    for (JsonNode t : byId.values()) {
      String id = t.path("id").asText();
      if (!id.startsWith("CT-DEVOPS-")) {
        continue;
      }
      String st = t.path("status").asText();
      statusCounts.merge(st, 1, Integer::sum);
      if (!TERMINAL.contains(st)) {
        stateProblems++;
        violation(id + " ended " + st + ", not deployed/done/failed");
      } else if (!st.equals(lastOutcome.get(id))) {
        stateProblems++;
        violation(
            id
                + " is "
                + st
                + " on the board, the journal's last outcome is "
                + lastOutcome.get(id));
      }
      if (outcomes.getOrDefault(id, Set.of()).size() > 1) {
        stateProblems++;
        violation(id + " has conflicting outcomes in the journal: " + outcomes.get(id));
      }
      if (claims.getOrDefault(id, 0) > 1) {
        stateProblems++;
        violation(id + " was claimed " + claims.get(id) + " times (it ran more than once)");
      }
    }
    put(
        "worker: DevOps tasks on the final board",
        statusCounts
            + " ("
            + devopsLost
            + " fed task(s) dropped by a lock-ignoring writer before the worker saw them)",
        stateProblems == 0);
    put(
        "worker: terminal state == journal outcome, one claim each",
        stateProblems + " problem(s)",
        stateProblems == 0);

    // follow-ups and HITL entries
    Map<String, Integer> followups = new HashMap<>();
    for (JsonNode t : byId.values()) {
      String k = t.path("payload").path("followup_key").asText(null);
      if (k != null) {
        followups.merge(k, 1, Integer::sum);
      }
    }
    List<String> dupFollowups =
        followups.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    for (String k : dupFollowups) {
      violation("follow-up key " + k + " appears on " + followups.get(k) + " tasks");
    }
    put(
        "worker: follow-up tasks (payload.followup_key)",
        followups.size() + " keys, " + dupFollowups.size() + " duplicated",
        dupFollowups.isEmpty());

    String text = Files.readString(requests, StandardCharsets.UTF_8);
    int resolvedAt = text.indexOf("## ✅ Resolved");
    String open = resolvedAt < 0 ? text : text.substring(0, resolvedAt);
    Map<String, Integer> keys = new HashMap<>();
    Matcher m = KEY.matcher(open);
    while (m.find()) {
      keys.merge(m.group(1), 1, Integer::sum);
    }
    Map<String, Integer> allKeys = new HashMap<>();
    m = KEY.matcher(text);
    while (m.find()) {
      allKeys.merge(m.group(1), 1, Integer::sum);
    }
    List<String> dupKeys =
        keys.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    for (String k : dupKeys) {
      violation("HITL key " + k + " appears in " + keys.get(k) + " open entries");
    }
    put(
        "worker: HITL entries (open keys)",
        keys.size()
            + " open, "
            + allKeys.size()
            + " in the file, "
            + dupKeys.size()
            + " duplicated among open entries",
        dupKeys.isEmpty());

    // 5. human-requests writers
    int reqs = 0;
    int reqLost = 0;
    int reqLostToOther = 0;
    for (Rec r : hitl) {
      if (!r.kind().equals("req")) {
        continue;
      }
      reqs++;
      if (!text.contains("### " + r.id() + ":")) {
        reqLost++;
        // The other editor can have dropped it when it read before this rename and renamed
        // after it; the records only bound each rename by its window (read … after the rename),
        // so any overlap of the two windows makes that possible.
        if (!overlapping(hitl, r, r.start(), r.end()).isEmpty()) {
          reqLostToOther++;
        } else {
          violation(
              "request "
                  + r.id()
                  + " (renamed by "
                  + r.writer()
                  + " at "
                  + r.end()
                  + " ms) is gone from human-requests.md and no window of the other editor overlaps its"
                  + " own:"
                  + " the worker dropped it");
        }
      }
    }
    put(
        "human-requests writers: entries present",
        (reqs - reqLost)
            + " of "
            + reqs
            + " ("
            + reqLostToOther
            + " lost to the other lock-ignoring editor, "
            + (reqLost - reqLostToOther)
            + " to the worker)",
        reqLost == reqLostToOther);

    // 6. collisions the worker saw
    int stale = logCount("a stale copy of the board was written back");
    int notClaimed = logCount("not claimed, another agent changed it first");
    int errors = logCount(" ERROR ");
    put(
        "worker: stale copies restored",
        stale + " log warnings, " + restores + " journal restore events",
        true);
    put("worker: claims lost to another writer", notClaimed + " (task changed before claim)", true);
    put("worker: ERROR lines in its logs", Integer.toString(errors), errors == 0);
    if (errors > 0) {
      violation(errors + " ERROR line(s) in the daemon logs, e.g. " + firstLine(" ERROR "));
    }
  }

  private void put(String check, String result, boolean good) {
    table.put(check, result);
    ok.put(check, good);
  }

  private int logCount(String needle) throws IOException {
    int n = 0;
    for (String f : List.of("daemon.log", "daemon-once.log")) {
      Path p = logs.resolve(f);
      if (Files.exists(p)) {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          if (line.contains(needle)) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private String firstLine(String needle) throws IOException {
    for (String f : List.of("daemon.log", "daemon-once.log")) {
      Path p = logs.resolve(f);
      if (Files.exists(p)) {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          if (line.contains(needle)) {
            return line;
          }
        }
      }
    }
    return "?";
  }

  // ------------------------------------------------------------------------------------------
  // the report

  private String report(String date, String loadBefore, long runMs, long drainMs, long totalMs) {
    StringBuilder r = new StringBuilder();
    r.append("# Reliability: concurrent writers\n\n");
    r.append("Measured by `ConcurrencyTorture` (src/test/java/dev/taskboard/devops/bench/).\n\n");
    r.append(
        "```sh\nmvn -B -q -DskipTests package test-compile && java -cp"
            + " target/devops-worker.jar:target/test-classes"
            + " dev.taskboard.devops.bench.ConcurrencyTorture "
            + args
            + "\n```\n\n");
    r.append("- date: ").append(date).append('\n');
    r.append("- machine: ")
        .append(cpu())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs, Java ")
        .append(System.getProperty("java.version"))
        .append(", ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.version"))
        .append('\n');
    r.append("- load average before / after: ")
        .append(loadBefore)
        .append(" / ")
        .append(load())
        .append('\n');
    r.append(
        String.format(
            Locale.ROOT,
            "- writers ran %.1f s; the daemon drained in %.1f s; %.1f s in all%n",
            runMs / 1000.0,
            drainMs / 1000.0,
            totalMs / 1000.0));
    r.append("- scratch project, records and logs: `").append(out).append("`\n\n");
    r.append("| check | result | holds |\n|---|---|---|\n");
    for (Map.Entry<String, String> e : table.entrySet()) {
      r.append("| ")
          .append(e.getKey())
          .append(" | ")
          .append(e.getValue().replace("|", "\\|"))
          .append(" | ")
          .append(ok.get(e.getKey()) ? "yes" : "**NO**")
          .append(" |\n");
    }
    r.append('\n').append(MEANING).append('\n');
    if (violations.isEmpty()) {
      r.append("No invariant was violated.\n");
    } else {
      r.append("Violations (").append(violations.size()).append("):\n\n");
      for (String v : violations.subList(0, Math.min(50, violations.size()))) {
        r.append("- ").append(v).append('\n');
      }
    }
    r.append('\n').append(FOUND);
    return r.toString();
  }

  /** What earlier runs found and how each fix is pinned down; written at the end of the report. */
  static final String FOUND =
      String.join(
          "\n",
          "## What it found",
          "",
          "Two fixes to the board's write protocol came from this harness. Each has a"
              + " deterministic regression test that stages the lock-ignoring rename at the exact"
              + " moment through a package-private hook instead of hoping for the timing, and fails"
              + " when the fix is undone:",
          "",
          "- **Lock-respecting commands exited 2 (\"file shrank while being copied\").** A scan"
              + " read the board's attributes after opening it, so a rename in between paired the"
              + " newer version's size with the older content. The attributes are now read first,"
              + " and the copy of the read version takes the size of the file opened."
              + " `ScanRenameRaceTest` renames a longer and a shorter version over the board"
              + " between the attribute read and the open (`BoardScanner.betweenAttributesAndOpen`):"
              + " `board patch` and `board add` re-apply on the new version and keep its edit, and"
              + " a read's stamp never names the version on disk unless that is the content it"
              + " read (the worker skips re-reading a board whose stamp it has already seen).",
          "- **A lock-ignoring writer's edit was overwritten** when its rename landed while the"
              + " patcher staged its backup, which ran after the final \"unchanged?\" check. The"
              + " backup is now staged before the check. `BackupStagingRaceTest` renames another"
              + " writer's version over the board at the end of staging"
              + " (`BoardWriter.backupStaged`): the check counts the collision, the patch is"
              + " re-applied on that version, its field survives, and the one backup kept is the"
              + " version the patch replaced.",
          "");

  /** What each check means; written into the report under the table. */
  static final String MEANING =
      String.join(
          "\n",
          "## What the checks mean",
          "",
          "The set-up: a 60 kB board of other agents' tasks plus one task per lock-respecting"
              + " writer (`OWN-1` … `OWN-4`); a runbook whose `infrastructure_update` deploy"
              + " sleeps 0–200 ms and fails about one time in five (`$RANDOM`), 2 attempts, 100 ms"
              + " backoff, no gates. The real daemon (`java -jar <copy of the jar> run`) and 8"
              + " writer processes (`ConcurrencyWriter`) run at once: 4 lock-respecting (`board"
              + " patch OWN-w --set counter_w=n`, `board add` of Tester tasks; writer 1 also feeds"
              + " the pending DevOps tasks with `board add`), 2 that ignore the lock and rewrite the"
              + " whole board with Jackson + temp file + rename, 2 that append `### REQ-w-n:`"
              + " entries to `human-requests.md` with temp file + rename. The run lasts at least"
              + " `--seconds`, longer (up to 180 s more) while the feeder has not added every task;"
              + " then the writers stop, the daemon drains, gets SIGTERM, and a `run --once`"
              + " finishes whatever is left. Every writer records each change with the wall-clock"
              + " window in which it made it. Losses are attributed from the reader thread's view:"
              + " it diffs each board version it sees with the one before, and a version that"
              + " removes a field or task (or takes a counter back) is charged to whoever made the"
              + " version's other changes — a lock-ignoring writer (it added its own `foreign_w_n`"
              + " field), a lock-respecting writer (its counter or task), or the worker (only"
              + " DevOps tasks changed). When the reader missed the version, a lock-ignoring"
              + " writer whose read→rename window overlaps the change is taken as the culprit.",
          "",
          "- **Board versions the reader parsed** — a thread of the harness watches the board's"
              + " directory (WatchService, plus a 20 ms poll) and parses every distinct version"
              + " (inode, size, mtime) it sees with Jackson. Every writer replaces the board by"
              + " rename, so a reader must never see a torn or empty board: any failure is a"
              + " violation.",
          "- **Lock-respecting writers: lost updates** — every `board patch`/`board add` that"
              + " exited 0 must be on the final board: the last `counter_w` each writer set, every"
              + " task it added. Lock-respecting writers serialise on the fcntl lock, and the"
              + " worker re-reads under the lock, so among them nothing may be lost. A lock-ignoring"
              + " writer that read the board before such a change and renamed its copy after it"
              + " does undo it — that is the cost of ignoring the lock and is counted, not failed;"
              + " a loss no lock-ignoring writer's window covers is a violation. \"Counter"
              + " reverts\" counts board versions in which a counter went backwards (each one a"
              + " whole-board rewrite from a stale read).",
          "- **Busy exits (5)** — `board patch`/`board add` gave up after 10 re-reads because"
              + " lock-ignoring writers kept replacing the board; the writer retried. Each retry"
              + " (and each silent re-apply inside one command) is a collision the worker's write"
              + " protocol detected instead of overwriting. The daemon does not log its own"
              + " re-applies (BoardWriter counts them but nothing prints the count).",
          "- **Lock-ignoring board writers: fields survived / lost** — each `foreign_w_n` field"
              + " one of them renamed into place is looked for on the final board; each lost one"
              + " by who wrote the version that dropped it. Losing to the other lock-ignoring"
              + " writer is their own race. A lock-respecting command or the worker can drop one"
              + " only if the foreign rename lands between its \"board unchanged?\" check and its"
              + " own rename (BoardWriter.update: the backup is staged before the check, and only a"
              + " re-stat stands between the check and the rename); the protocol cannot close that window"
              + " while the other writer ignores the lock. A loss charged to the worker (a version"
              + " whose only other changes are to DevOps tasks) is reported as a violation with"
              + " the evidence, as is one no writer explains; \"unattributed\" means the reader never"
              + " saw the version holding the field.",
          "- **Worker: DevOps tasks on the final board** — every fed `CT-DEVOPS-nnn` task still on"
              + " the board ends `done` or `failed` (never `pending`, `in_progress` or `blocked`)."
              + " Fed tasks a lock-ignoring writer dropped before the worker saw them are counted.",
          "- **Terminal state == journal outcome, one claim each** — the board's status equals the"
              + " last `outcome` event of the worker's journal, no task has two different"
              + " outcomes, and no task was claimed twice (a stale copy reverting `in_progress` or"
              + " `done` to `pending` must be restored, not re-run).",
          "- **Follow-up tasks / HITL entries** — `payload.followup_key` is unique on the board and"
              + " each `<!-- devops-worker entry=… nonce=… key=\"…\" -->` is unique among the open entries of"
              + " `human-requests.md`. (For `infrastructure_update` a failure asks the humans but"
              + " adds no `urgent_fix` task — those are only for `deployment_*` types — so the"
              + " follow-up check is vacuous here.)",
          "- **Human-requests writers: entries present** — every `### REQ-w-n:` entry a writer"
              + " renamed into place is in the final file, unless the other lock-ignoring editor"
              + " was mid-edit then (its read→rename window overlaps the writer's own: each"
              + " record bounds the rename only by the window, so an overlap is enough for the"
              + " other editor to have read before the rename and renamed after it). One the"
              + " worker dropped (it edits the file with"
              + " the same re-read-before-rename discipline) is a violation.",
          "- **Stale copies restored, claims lost, ERROR lines** — from the daemon's log and"
              + " journal: how often it restored its own entry after a stale copy was written"
              + " back, how often a claim found the task changed, and any ERROR line (a violation).",
          "");

  private void violation(String v) {
    violations.add(v);
    System.err.println("concurrency-torture: VIOLATION " + v);
  }

  private static void log(String s) {
    System.err.println("concurrency-torture: " + s);
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

package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.journal.JournalFile;
import dev.taskboard.devops.testing.TestEnv;
import dev.taskboard.devops.worker.Locations;
import java.io.File;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Hostile torture: the real {@code devops-worker run} daemon serves a board for {@code --minutes}
 * while four seeded generators feed it a stream of hostile input — tasks with odd ids and huge
 * payloads ({@link HostileTasks}), two hot writers that ignore the lock and sometimes leave the
 * board half-written ({@link LockIgnoringWriter}), a vandal of {@code human-requests.md} ({@link
 * RequestsVandal}) and a tamperer of the journal ({@link JournalTamper}) — and a reader in a
 * process of its own ({@link LockedBoardReader}) parses every board version under the worker's
 * lock. Then the daemon drains, gets SIGTERM, a final {@code run --once} runs, and every DevOps
 * task must be in exactly one terminal state that its input calls for, with the daemon never having
 * stopped on its own.
 *
 * <pre>
 * mvn -B -q -DskipTests package test-compile &amp;&amp; java -cp target/devops-worker.jar:target/test-classes dev.taskboard.devops.bench.HostileTorture [--minutes 30] [--seed N] [--out DIR] [--doc FILE|-]
 * </pre>
 *
 * <p>{@code --out DIR}: the scratch project, HOME and XDG_* directories, records and logs (default:
 * a new temp directory). {@code --doc}: the Markdown report (default {@code
 * docs/reliability-hostile.md}; {@code -} for none). Exit 0 when every invariant held, 1 when one
 * was violated, 2 on bad arguments or a set-up failure.
 */
public final class HostileTorture {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String CATCH_ALL = "could not run this task";

  private final double minutes;
  private final long seed;
  private final Path out;
  private final Path doc;
  private final String args;
  private final String java =
      Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath().toString();

  Path project;
  Path board;
  Path requests;
  Path runbook;
  Path evil;
  Path marks;
  Path state;
  Path journal;
  Path logs;
  Path jar;
  Map<String, String> env;

  final HostileReport report = new HostileReport();

  private HostileTorture(double minutes, long seed, Path out, Path doc, String args) {
    this.minutes = minutes;
    this.seed = seed;
    this.out = out;
    this.doc = doc;
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    double minutes = 30;
    long seed = System.nanoTime() & 0xFFFFFFFL;
    Path out = null;
    Path doc = Path.of("docs", "reliability-hostile.md");
    List<String> shown = new ArrayList<>();
    try {
      for (int i = 0; i < argv.length; i++) {
        switch (argv[i]) {
          case "--minutes" -> minutes = Double.parseDouble(argv[++i]);
          case "--seed" -> seed = Long.parseLong(argv[++i]);
          case "--out" -> out = Path.of(argv[++i]);
          case "--doc" -> doc = argv[++i].equals("-") ? null : Path.of(argv[i]);
          default -> throw new IllegalArgumentException("unknown argument " + argv[i]);
        }
      }
      if (!(minutes > 0)) {
        throw new IllegalArgumentException("--minutes must be positive");
      }
    } catch (RuntimeException e) {
      System.err.println(
          "hostile-torture: "
              + e.getMessage()
              + "; usage: HostileTorture [--minutes 30] [--seed N] [--out DIR] [--doc FILE|-]");
      System.exit(2);
      return;
    }
    shown.add(
        "--minutes "
            + (minutes == Math.rint(minutes)
                ? Long.toString((long) minutes)
                : Double.toString(minutes)));
    shown.add("--seed " + seed);
    if (out == null) {
      out = Files.createTempDirectory("hostile-torture-");
    } else {
      shown.add("--out " + out);
    }
    if (doc == null) {
      shown.add("--doc -");
    } else if (!doc.equals(Path.of("docs", "reliability-hostile.md"))) {
      shown.add("--doc " + doc);
    }
    int rc;
    try {
      Files.createDirectories(out);
      HostileTorture t =
          new HostileTorture(minutes, seed, out.toAbsolutePath(), doc, String.join(" ", shown));
      try {
        t.setUp();
      } catch (IOException | RuntimeException e) {
        System.err.println("hostile-torture: set-up failed: " + e);
        System.exit(2);
        return;
      }
      rc = t.run();
    } finally {
      DaemonProcess.stopAll();
    }
    System.exit(rc);
  }

  static void log(String s) {
    System.err.println(
        "hostile-torture "
            + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_TIME)
            + ": "
            + s);
  }

  // ------------------------------------------------------------------------------------------

  private void setUp() throws IOException {
    project = out.resolve("project");
    if (Files.exists(project)) {
      throw new IOException(project + " exists already; give a fresh --out");
    }
    Path plan = Files.createDirectories(project.resolve(".plan"));
    marks = Files.createDirectories(project.resolve("marks"));
    logs = Files.createDirectories(out.resolve("logs"));
    board = plan.resolve("tasks.json");
    requests = plan.resolve("human-requests.md");
    runbook = project.resolve("deployment.md");
    evil = project.resolve("evil.md");
    env = TestEnv.in(out);
    Files.createDirectories(Path.of(env.get("HOME")));
    Files.createDirectories(Path.of(env.get("XDG_RUNTIME_DIR")));
    Path built = Path.of("target", "devops-worker.jar");
    if (!Files.isRegularFile(built)) {
      throw new IOException(built + " is missing: run `mvn -B -q -DskipTests package` first");
    }
    jar = out.resolve("devops-worker.jar");
    Files.copy(built, jar, StandardCopyOption.REPLACE_EXISTING);
    Files.write(board, DaemonBoard.otherAgents(60_000, seed));
    Files.copy(Path.of("human-requests.md.template"), requests);
    Files.writeString(runbook, runbookText(), StandardCharsets.UTF_8);
    Files.writeString(evil, evilText(marks), StandardCharsets.UTF_8);
    state = Locations.of(env).stateDirFor(board);
    journal = state.resolve("journal.jsonl");
  }

  /** Quick shell steps; deploy fails when the payload says so; production needs approval only. */
  static String runbookText() {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "# Hostile torture runbook",
                "",
                "## gates",
                "",
                "```settings",
                "staging:",
                "production: stakeholder_approval",
                "```",
                "",
                "## defaults",
                "",
                "```settings",
                "timeout: 30s",
                "attempts: 1",
                "backoff: 100ms",
                "grace: 2s",
                "```",
                ""));
    for (String type :
        List.of("infrastructure_update", "deployment_staging", "deployment_production")) {
      lines.addAll(
          List.of(
              "## " + type,
              "",
              "### deploy",
              "",
              "```sh",
              "echo \"$TASK_PAYLOAD_TAG $TASK_TYPE\" >> \"$RUNBOOK_DIR/marks/deploy.marks\"",
              "if [ \"${TASK_PAYLOAD_FAIL:-}\" = yes ]; then echo 'the payload asked to fail' >&2;"
                  + " exit 1; fi",
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
              "echo \"$TASK_PAYLOAD_TAG $TASK_TYPE\" >> \"$RUNBOOK_DIR/marks/rollback.marks\"",
              "```",
              ""));
    }
    return String.join("\n", lines);
  }

  /** A runbook file no operator named: a task's payload names it; its step must never run. */
  static String evilText(Path marks) {
    return String.join(
        "\n",
        "# Not the operator's runbook",
        "",
        "## infrastructure_update",
        "",
        "### deploy",
        "",
        "```sh",
        "echo \"$TASK_PAYLOAD_TAG evil\" >> '" + marks.resolve("evil.marks") + "'",
        "```",
        "");
  }

  List<String> command(boolean once) {
    List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar.toString(), "run"));
    if (once) {
      cmd.add("--once");
    }
    cmd.addAll(
        List.of("--board", board.toString(), "--runbook", runbook.toString(), "--rescan", "5"));
    return cmd;
  }

  private String classpath() throws IOException {
    // A copy, so that a rebuild of target/ during a long run does not change the reader.
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

  // ------------------------------------------------------------------------------------------

  private int run() throws Exception {
    report.date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
    report.loadBefore = load();
    report.command =
        "mvn -B -q -DskipTests package test-compile && java -cp"
            + " target/devops-worker.jar:target/test-classes"
            + " dev.taskboard.devops.bench.HostileTorture "
            + args;
    report.seed = seed;
    report.out = out;
    long t0 = System.nanoTime();
    log("scratch project " + project + ", state dir " + state + ", seed " + seed);

    Path daemonLog = logs.resolve("daemon.log");
    DaemonProcess daemon = DaemonProcess.start(command(false), project, daemonLog, daemonLog, env);
    Path readerRecord = logs.resolve("locked-reader.tsv");
    Path readerStop = out.resolve("STOP-READER");
    Path readerLog = logs.resolve("locked-reader.log");
    DaemonProcess reader =
        DaemonProcess.start(
            List.of(
                java,
                "-cp",
                classpath(),
                LockedBoardReader.class.getName(),
                board.toString(),
                readerRecord.toString(),
                readerStop.toString()),
            project,
            readerLog,
            readerLog,
            env);

    HostileGenerator.Scene scene =
        new HostileGenerator.Scene(project, board, requests, journal, marks);
    HostileTasks tasks = new HostileTasks(seed, scene, 2000);
    LockIgnoringWriter w1 = new LockIgnoringWriter(1, seed, scene, 1500);
    LockIgnoringWriter w2 = new LockIgnoringWriter(2, seed, scene, 2300);
    RequestsVandal vandal = new RequestsVandal(seed, scene, 2500);
    JournalTamper tamper = new JournalTamper(seed, scene, 3000, tasks.fed);
    List<HostileGenerator> generators = List.of(tasks, w1, w2, vandal, tamper);
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(generators.size());
    generators.forEach(g -> g.schedule(executor));
    log("daemon pid " + daemon.pid() + ", locked reader pid " + reader.pid() + ", generators on");

    long until = System.nanoTime() + (long) (minutes * 60e9);
    long nextNote = System.nanoTime();
    boolean earlyExit = false;
    while (System.nanoTime() < until) {
      Thread.sleep(1000);
      if (!daemon.alive()) {
        earlyExit = true;
        report.violation(
            "the daemon exited "
                + daemon.process.exitValue()
                + " during the run: "
                + tail(daemonLog));
        break;
      }
      if (System.nanoTime() >= nextNote) {
        nextNote = System.nanoTime() + 30_000_000_000L;
        log(
            "… "
                + (System.nanoTime() - t0) / 1_000_000_000L
                + " s, "
                + tasks.fed.size()
                + " tasks fed, "
                + open(tasks)
                + " open on the board");
      }
    }
    executor.shutdown();
    if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
      executor.shutdownNow();
    }
    report.runMs = (System.nanoTime() - t0) / 1_000_000;
    log("generators stopped after " + report.runMs + " ms; draining");

    // Drain: until no fed task is pending/in_progress on two looks 12 s apart (capped).
    long d0 = System.nanoTime();
    long cap = d0 + Duration.ofMinutes(5).toNanos();
    long settledSince = -1;
    while (System.nanoTime() < cap && daemon.alive()) {
      int open = open(tasks);
      if (open == 0) {
        if (settledSince < 0) {
          settledSince = System.nanoTime();
        } else if (System.nanoTime() - settledSince > 12_000_000_000L) {
          break;
        }
      } else {
        settledSince = -1;
      }
      Thread.sleep(1000);
    }
    report.drainMs = (System.nanoTime() - d0) / 1_000_000;
    report.drainSettled = settledSince >= 0;
    if (!daemon.alive() && !earlyExit) {
      earlyExit = true;
      report.violation(
          "the daemon exited "
              + daemon.process.exitValue()
              + " while draining: "
              + tail(daemonLog));
    }
    report.daemonRanThrough = !earlyExit;

    long s0 = System.nanoTime();
    Integer termExit = daemon.alive() ? daemon.stop(Duration.ofSeconds(60)) : null;
    report.termMs = (System.nanoTime() - s0) / 1_000_000;
    report.termExit = termExit;
    Files.writeString(readerStop, "stop");
    int readerExit = reader.await(Duration.ofSeconds(60));
    Path onceLog = logs.resolve("daemon-once.log");
    long o0 = System.nanoTime();
    report.onceExit =
        DaemonProcess.start(command(true), project, onceLog, onceLog, env)
            .await(Duration.ofMinutes(10));
    report.onceMs = (System.nanoTime() - o0) / 1_000_000;
    log(
        "drained in "
            + report.drainMs
            + " ms; SIGTERM exit "
            + termExit
            + " after "
            + report.termMs
            + " ms; run --once exit "
            + report.onceExit);
    if (readerExit != 0) {
      report.violation("the locked reader exited " + readerExit + ": " + tail(readerLog));
    }

    new HostileChecks(this, tasks, vandal, readerRecord, scene).check();
    report.totalMs = (System.nanoTime() - t0) / 1_000_000;
    report.loadAfter = load();
    report.generators = generators;
    String md = report.markdown();
    System.out.println(md);
    if (doc != null) {
      Path parent = doc.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(doc, md, StandardCharsets.UTF_8);
      log("wrote " + doc);
    }
    if (!report.violations.isEmpty()) {
      System.err.println("hostile-torture: " + report.violations.size() + " violation(s):");
      report.violations.forEach(v -> System.err.println("  - " + v));
      return 1;
    }
    log("all invariants held");
    return 0;
  }

  /** Fed tasks on the board that are pending or in_progress (-1 when the board did not parse). */
  private int open(HostileTasks tasks) {
    try {
      int open = 0;
      for (JsonNode t : MAPPER.readTree(Files.readAllBytes(board))) {
        String s = t.path("status").asText();
        if (tasks.fed.containsKey(HostileTasks.key(t.path("id")))
            && (s.equals("pending") || s.equals("in_progress"))) {
          open++;
        }
      }
      return open;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The journal as the worker reads it (sealed lines only). */
  List<JournalEvent> journalEvents() throws IOException {
    return JournalFile.read(journal).events();
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return HostileTasks.printable(
          String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0]
          + " "
          + Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[1]
          + " "
          + Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[2];
    } catch (IOException e) {
      return "?";
    }
  }
}

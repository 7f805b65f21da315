package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.task.Json;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * Run from the project root:
 *
 * <pre>{@code
 * mvn -B -q -DskipTests package test-compile && java -cp target/devops-worker.jar:target/test-classes dev.taskboard.devops.bench.DaemonBench [--trials 200] [--idle-seconds 60] [--tasks 500] [--out DIR]
 * }</pre>
 *
 * <p>The daemon benchmark: the worker as a real separate process ({@code java -jar
 * devops-worker.jar run ...}, stderr to {@code daemon.log} in the output directory), measured from
 * outside, in one run:
 *
 * <ol>
 *   <li><b>Pickup latency</b> on a ~1 MB board of other agents' tasks: per trial, a new board
 *       version with one more pending {@code infrastructure_update} task is renamed over the board
 *       as another agent would ({@code t0} = just before the rename); {@code t1} = the mtime of the
 *       first board version in which that task is no longer pending (the worker's claim). The
 *       runbook's deploy step blocks on a FIFO the benchmark releases only after it has seen the
 *       claimed version, so that version is always observable. Waiting is on a {@link
 *       WatchService}, never sleep-polling.
 *   <li><b>Idle cost</b>: CPU (utime+stime from {@code /proc/PID/stat}) over {@code --idle-seconds}
 *       of an idle daemon, VmRSS/VmHWM, and start-up to the first pickup.
 *   <li><b>Overhead</b>: {@code run --once} over {@code --tasks} pending tasks whose step is {@code
 *       true}: wall time, tasks/s, and (wall − step time − JVM start-up) / tasks.
 * </ol>
 *
 * <p>Prints a markdown report and writes it to {@code --out DIR} and to {@code --doc FILE} (default
 * {@code docs/benchmarks-daemon.md}; everything after the analysis marker of an existing file is
 * kept). Every process it starts is stopped at the end, also on failure (SIGTERM, then SIGKILL
 * after a bound).
 */
public final class DaemonBench {
  static final String COMMAND =
      "mvn -B -q -DskipTests package test-compile && java -cp"
          + " target/devops-worker.jar:target/test-classes dev.taskboard.devops.bench.DaemonBench";
  static final String ANALYSIS_MARKER =
      "<!-- analysis: DaemonBench rewrites everything above this line and keeps what follows -->";

  private static final String BOARD = "tasks.json";
  private static final long SEED = 0xDAE30B1L;
  private static final Duration CLAIM_LIMIT = Duration.ofSeconds(45); // > the 30 s safety rescan
  private static final Duration DONE_LIMIT = Duration.ofSeconds(60);
  private static final Duration RELEASE_LIMIT = Duration.ofSeconds(15);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration ONCE_LIMIT = Duration.ofMinutes(30);
  private static final Set<String> FINISHED = Set.of("done", "deployed", "failed", "blocked");
  private static final Pattern READY_LINE =
      Pattern.compile("(?i)\\b(watching|idle|ready|listening|waiting for)\\b");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final int trials;
  private final int idleSeconds;
  private final int tasks;
  private final Path out;
  private final Path doc;
  private final int gapMs;
  private final long boardBytes;
  private final int startupRuns;
  private final String args;
  private final String java;
  private Path jar;
  private final List<String> problems = new ArrayList<>();

  private DaemonBench(
      int trials,
      int idleSeconds,
      int tasks,
      Path out,
      Path doc,
      int gapMs,
      long boardBytes,
      int startupRuns,
      String args) {
    this.trials = trials;
    this.idleSeconds = idleSeconds;
    this.tasks = tasks;
    this.out = out;
    this.doc = doc;
    this.gapMs = gapMs;
    this.boardBytes = boardBytes;
    this.startupRuns = startupRuns;
    this.args = args;
    this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public static void main(String[] argv) throws Exception {
    int trials = 200;
    int idle = 60;
    int tasks = 500;
    Path out = null;
    Path doc = Path.of("docs", "benchmarks-daemon.md");
    int gap = 250;
    long kb = 1024;
    int startupRuns = 5;
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--trials" -> trials = Integer.parseInt(argv[++i]);
        case "--idle-seconds" -> idle = Integer.parseInt(argv[++i]);
        case "--tasks" -> tasks = Integer.parseInt(argv[++i]);
        case "--out" -> out = Path.of(argv[++i]);
        case "--doc" -> doc = argv[++i].equals("-") ? null : Path.of(argv[i]);
        case "--gap-ms" -> gap = Integer.parseInt(argv[++i]);
        case "--board-kb" -> kb = Long.parseLong(argv[++i]);
        case "--startup-runs" -> startupRuns = Integer.parseInt(argv[++i]);
        default -> {
          System.err.println(
              "usage: DaemonBench [--trials 200] [--idle-seconds 60] [--tasks 500] [--out DIR]"
                  + " [--doc FILE|-] [--gap-ms 250] [--board-kb 1024] [--startup-runs 5];"
                  + " unknown "
                  + argv[i]);
          System.exit(2);
        }
      }
    }
    if (trials < 1 || idle < 1 || tasks < 1 || startupRuns < 1) {
      System.err.println("--trials, --idle-seconds, --tasks and --startup-runs must be positive");
      System.exit(2);
    }
    if (out == null) {
      out = Files.createTempDirectory("daemon-bench-");
    }
    Files.createDirectories(out);
    DaemonBench bench =
        new DaemonBench(
            trials, idle, tasks, out, doc, gap, kb * 1024, startupRuns, String.join(" ", argv));
    int rc;
    try {
      rc = bench.run();
    } finally {
      DaemonProcess.stopAll();
    }
    System.exit(rc);
  }

  // ------------------------------------------------------------------------------------------
  // the run

  private int run() throws Exception {
    Env env = Env.now(java, out);
    System.err.println("daemon-bench: output in " + out.toAbsolutePath());
    jar = snapshotJar();
    Pickup pickup = null;
    try {
      pickup = pickup();
    } catch (Exception e) {
      problem("pickup/idle section aborted: " + e);
      e.printStackTrace();
    }
    Overhead overhead = null;
    try {
      overhead = overhead();
    } catch (Exception e) {
      problem("overhead section aborted: " + e);
      e.printStackTrace();
    }
    InProcess inProcess = null;
    try {
      inProcess = inProcess(pickup);
    } catch (Exception e) {
      problem("in-process profile aborted: " + e);
      e.printStackTrace();
    }
    String loadAfter = Env.loadavg();
    String report = report(env, loadAfter, pickup, overhead, inProcess);
    System.out.println(report);
    Files.writeString(out.resolve("benchmarks-daemon.md"), report, StandardCharsets.UTF_8);
    if (doc != null) {
      writeDoc(report);
      System.err.println("daemon-bench: wrote " + doc);
    }
    return problems.isEmpty() ? 0 : 1;
  }

  /**
   * Runs a copy of target/devops-worker.jar: other builds on this machine may rebuild target/ while
   * the benchmark runs.
   */
  private Path snapshotJar() throws IOException, InterruptedException {
    Path source = Path.of("target", "devops-worker.jar");
    Path copy = out.resolve("devops-worker.jar");
    for (int attempt = 1; ; attempt++) {
      Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
      try (ZipFile z = new ZipFile(copy.toFile())) {
        if (z.getEntry("META-INF/MANIFEST.MF") != null) {
          return copy;
        }
      } catch (IOException halfWritten) {
        if (attempt >= 10) {
          throw halfWritten;
        }
      }
      Thread.sleep(3000); // a build is writing the jar right now
    }
  }

  private List<String> workerCommand(Path project, boolean once) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    cmd.add("run");
    if (once) {
      cmd.add("--once");
    }
    cmd.add("--board");
    cmd.add(project.resolve("board").resolve(BOARD).toAbsolutePath().toString());
    cmd.add("--runbook");
    cmd.add(project.resolve("deployment.md").toAbsolutePath().toString());
    cmd.add("--state-dir");
    cmd.add(project.resolve("state").toAbsolutePath().toString());
    return cmd;
  }

  // ------------------------------------------------------------------------------------------
  // 1 + 2: pickup latency, then idle cost, on one daemon

  /** One pickup trial. Instants are wall-clock (t1 is a file mtime, so it has to be). */
  record Trial(
      int n,
      String id,
      Instant t0,
      Instant claimMtime,
      Instant seen,
      Instant ownEvent,
      Instant startedAt,
      String firstStatus,
      String finalStatus,
      String problem) {
    boolean ok() {
      return problem == null;
    }

    double latencyMs() {
      return ms(t0, claimMtime);
    }
  }

  record Pickup(
      int otherTasks,
      long initialBytes,
      long finalBytes,
      Path board,
      List<String> daemonCommand,
      Trial startup,
      double startupMs,
      String startupHow,
      double lockMs,
      List<Trial> trials,
      Map<String, Instant> claimedLog,
      Map<String, Instant> journalClaim,
      double pickupCpuSeconds,
      int pickupTasks,
      Idle idle,
      Integer exitCode,
      List<String> logProblems,
      String loadBefore,
      String loadAfterTrials) {}

  record Idle(
      double seconds,
      long ticks,
      long clkTck,
      double cpuPercent,
      double rssMib,
      double hwmMib,
      int threads,
      boolean boardUnchanged) {}

  private Pickup pickup() throws Exception {
    Path project = out.resolve("pickup");
    Path boardDir = project.resolve("board");
    Path board = boardDir.resolve(BOARD);
    Path state = project.resolve("state");
    Path fifo = project.resolve("fifo").resolve("release");
    deleteTree(project);
    Files.createDirectories(boardDir);
    Files.createDirectories(state);
    Files.createDirectories(fifo.getParent());
    Files.writeString(project.resolve("deployment.md"), runbook(true), StandardCharsets.UTF_8);
    String mk = DaemonProcess.output(List.of("mkfifo", fifo.toString()));
    if (!Files.exists(fifo)) {
      throw new IOException("mkfifo " + fifo + " failed: " + mk);
    }

    byte[] others = DaemonBoard.otherAgents(boardBytes, SEED);
    int otherTasks = DaemonBoard.countTasks(others);
    // The start-up trial's task is on the board before the daemon starts.
    byte[] initial =
        DaemonBoard.append(
            others,
            DaemonBoard.entry(DaemonBoard.benchTask(id(0), fifo.toString(), Instant.now(), 0)));
    Files.write(board, initial);
    long initialBytes = initial.length;

    List<String> cmd = workerCommand(project, false);
    Random gaps = new Random(SEED);
    List<Trial> done = new ArrayList<>();
    String loadBefore = Env.loadavg();
    String loadAfterTrials;
    Trial startup;
    double startupMs;
    String startupHow;
    double lockMs = Double.NaN;
    double pickupCpu = Double.NaN;
    Idle idle = null;
    Integer exit;
    ExecutorService releaser =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fifo-release");
              t.setDaemon(true);
              return t;
            });
    try (WatchService ws = FileSystems.getDefault().newWatchService()) {
      boardDir.register(
          ws,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      Trials t = new Trials(ws, board, fifo, releaser);
      DaemonProcess d =
          DaemonProcess.start(
              cmd, project, project.resolve("daemon.stdout.log"), project.resolve("daemon.log"));
      System.err.println("daemon-bench: daemon pid " + d.pid() + ": " + String.join(" ", cmd));
      try {
        startup = t.trial(d, 0, false);
        if (!startup.ok()) {
          throw new IllegalStateException("start-up trial failed: " + startup.problem());
        }
        Path lock = state.resolve("worker.lock");
        if (Files.exists(lock)) {
          lockMs = ms(d.started, Files.getLastModifiedTime(lock).toInstant());
        }
        Instant ready = readyLine(project.resolve("daemon.log"));
        if (ready != null) {
          startupMs = ms(d.started, ready);
          startupHow = "process start → the daemon's first log line saying it is watching/idle";
        } else {
          startupMs = ms(d.started, startup.claimMtime());
          startupHow =
              "process start → mtime of the board version with the first claim (the daemon logs"
                  + " no watching/idle line)";
        }
        long cpu0 = DaemonProcess.cpuTicks(d.pid());
        for (int n = 1; n <= trials; n++) {
          Thread.sleep(gapMs / 2 + gaps.nextInt(gapMs + 1)); // an idle worker between tasks
          Trial trial = t.trial(d, n, true);
          done.add(trial);
          if (!trial.ok()) {
            problem(trial.id() + ": " + trial.problem());
          }
          if (n % 25 == 0 || n == trials) {
            System.err.printf(
                Locale.ROOT,
                "daemon-bench: pickup %d/%d, last %.1f ms%n",
                n,
                trials,
                trial.ok() ? trial.latencyMs() : Double.NaN);
          }
          if (!d.alive()) {
            problem("the daemon exited during trial " + n);
            break;
          }
        }
        long clk = clkTck();
        pickupCpu = (DaemonProcess.cpuTicks(d.pid()) - cpu0) / (double) clk;
        loadAfterTrials = Env.loadavg();
        idle = idle(d, board, clk);
      } finally {
        exit = d.stop(STOP_GRACE);
        releaser.shutdownNow();
      }
    }
    if (exit == null) {
      problem("the daemon did not stop within " + STOP_GRACE + " of SIGTERM; it was killed");
    }
    Path log = project.resolve("daemon.log");
    return new Pickup(
        otherTasks,
        initialBytes,
        Files.size(board),
        board,
        cmd,
        startup,
        startupMs,
        startupHow,
        lockMs,
        done,
        claimedLines(log),
        journalClaims(state.resolve("journal.jsonl")),
        pickupCpu,
        done.size(),
        idle,
        exit,
        logProblems(log),
        loadBefore,
        loadAfterTrials);
  }

  /** The trial loop's state: the watch on the board's directory and the FIFO release. */
  private final class Trials {
    private final WatchService ws;
    private final Path board;
    private final Path fifo;
    private final ExecutorService releaser;

    Trials(WatchService ws, Path board, Path fifo, ExecutorService releaser) {
      this.ws = ws;
      this.board = board;
      this.fifo = fifo;
      this.releaser = releaser;
    }

    /**
     * Adds task {@code n} (unless it is already on the board), waits for its claim, releases its
     * step, waits until it is finished.
     */
    Trial trial(DaemonProcess d, int n, boolean write) throws Exception {
      String id = id(n);
      drain();
      Instant t0 = null;
      DaemonBoard.Stat mine = null;
      if (write) {
        DaemonBoard.Version current = DaemonBoard.read(board);
        byte[] next =
            DaemonBoard.append(
                current.bytes(),
                DaemonBoard.entry(DaemonBoard.benchTask(id, fifo.toString(), Instant.now(), n)));
        Path tmp = board.resolveSibling("." + BOARD + ".bench-" + n + ".tmp");
        try (FileChannel ch =
            FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          ByteBuffer b = ByteBuffer.wrap(next);
          while (b.hasRemaining()) {
            ch.write(b);
          }
          ch.force(true);
        }
        mine = DaemonBoard.Stat.of(tmp);
        t0 = Instant.now();
        Files.move(tmp, board, StandardCopyOption.ATOMIC_MOVE);
      }
      Seen claim = await(d, id, s -> s != null && !s.equals("pending"), mine, CLAIM_LIMIT, write);
      if (claim == null) {
        return failed(n, id, t0, "no claim within " + CLAIM_LIMIT.toSeconds() + " s", d);
      }
      Instant startedAt = parse(DaemonBoard.field(claim.version().bytes(), id, "started_at"));
      String problem = null;
      if (claim.status().equals("in_progress")) {
        problem = release(d);
      } else {
        problem = "the first version seen after pending was " + claim.status();
      }
      Seen end =
          FINISHED.contains(claim.status())
              ? claim
              : await(
                  d,
                  id,
                  s -> s != null && FINISHED.contains(s),
                  claim.version().stat(),
                  DONE_LIMIT,
                  false);
      String finalStatus = end == null ? "?" : end.status();
      if (end == null) {
        problem = "not finished within " + DONE_LIMIT.toSeconds() + " s of its claim";
      } else if (!finalStatus.equals("done") && problem == null) {
        problem = "finished " + finalStatus + " (expected done); see the daemon log";
      }
      return new Trial(
          n,
          id,
          t0,
          claim.version().stat().mtime(),
          claim.seenAt(),
          claim.ownEvent(),
          startedAt,
          claim.status(),
          finalStatus,
          problem);
    }

    private Trial failed(int n, String id, Instant t0, String why, DaemonProcess d) {
      String alive = d.alive() ? "" : " (the daemon exited " + d.process.exitValue() + ")";
      return new Trial(n, id, t0, null, null, null, null, "pending", "?", why + alive);
    }

    /** Lets the claimed task's step finish: one line into the FIFO it is reading. */
    private String release(DaemonProcess d) throws Exception {
      Future<?> f =
          releaser.submit(
              () -> {
                try (OutputStream o = new FileOutputStream(fifo.toFile())) {
                  o.write("go\n".getBytes(StandardCharsets.US_ASCII));
                }
                return null;
              });
      try {
        f.get(RELEASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        return null;
      } catch (TimeoutException noReader) {
        // Unblock our own writer: opening the FIFO for reading completes its open.
        try (FileInputStream unblock = new FileInputStream(fifo.toFile())) {
          unblock.readAllBytes();
        }
        f.cancel(true);
        return "the step never opened the FIFO within "
            + RELEASE_LIMIT.toSeconds()
            + " s"
            + (d.alive() ? "" : " (the daemon exited)");
      }
    }

    /** What the wait saw: the first version that satisfied it. */
    record Seen(DaemonBoard.Version version, Instant seenAt, String status, Instant ownEvent) {}

    /**
     * Waits on the WatchService until a board version shows task {@code id} with a status {@code
     * until} accepts; versions equal to {@code skip} (the benchmark's own) are not read. With
     * {@code noteOwn}, also notes when the event of the benchmark's own rename arrived.
     */
    private Seen await(
        DaemonProcess d,
        String id,
        Predicate<String> until,
        DaemonBoard.Stat skip,
        Duration limit,
        boolean noteOwn)
        throws IOException, InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      DaemonBoard.Stat last = skip;
      Instant ownEvent = null;
      while (true) {
        DaemonBoard.Stat now;
        try {
          now = DaemonBoard.Stat.of(board);
        } catch (NoSuchFileException mid) {
          now = null;
        }
        if (now != null && !now.equals(last)) {
          DaemonBoard.Version v = DaemonBoard.read(board);
          last = v.stat();
          String status = DaemonBoard.field(v.bytes(), id, "status");
          if (until.test(status)) {
            return new Seen(v, Instant.now(), status, ownEvent);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !d.alive()) {
          return null;
        }
        WatchKey key = ws.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        if (key != null) {
          Instant at = Instant.now();
          for (WatchEvent<?> e : key.pollEvents()) {
            if (noteOwn && ownEvent == null && BOARD.equals(String.valueOf(e.context()))) {
              ownEvent = at;
            }
          }
          key.reset();
        }
      }
    }

    private void drain() {
      for (WatchKey k = ws.poll(); k != null; k = ws.poll()) {
        k.pollEvents();
        k.reset();
      }
    }
  }

  private Idle idle(DaemonProcess d, Path board, long clk) throws Exception {
    Thread.sleep(2000); // let the last task's follow-up scan finish
    DaemonBoard.Stat before = DaemonBoard.Stat.of(board);
    System.err.println("daemon-bench: idle window " + idleSeconds + " s");
    long t0 = System.nanoTime();
    long c0 = DaemonProcess.cpuTicks(d.pid());
    Thread.sleep(idleSeconds * 1000L);
    long c1 = DaemonProcess.cpuTicks(d.pid());
    long t1 = System.nanoTime();
    Map<String, String> status = DaemonProcess.status(d.pid());
    double seconds = (t1 - t0) / 1e9;
    long ticks = c1 - c0;
    return new Idle(
        seconds,
        ticks,
        clk,
        100.0 * ticks / clk / seconds,
        DaemonProcess.mib(status, "VmRSS"),
        DaemonProcess.mib(status, "VmHWM"),
        Integer.parseInt(status.getOrDefault("Threads", "-1")),
        before.equals(DaemonBoard.Stat.of(board)));
  }

  private static long clkTck() {
    try {
      return Long.parseLong(DaemonProcess.output(List.of("getconf", "CLK_TCK")));
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  // ------------------------------------------------------------------------------------------
  // 3: overhead of run --once

  record Overhead(
      int tasks,
      long initialBytes,
      long finalBytes,
      int exitCode,
      double wallMs,
      List<Double> startupMs,
      double startupMedianMs,
      int steps,
      long stepMsSum,
      Map<String, Integer> outcomes,
      int doneOnBoard,
      List<String> command,
      List<String> logProblems,
      Map<String, List<Double>> segments) {
    double overheadPerTaskMs() {
      return (wallMs - stepMsSum - startupMedianMs) / tasks;
    }

    double tasksPerSecond() {
      return tasks / (wallMs / 1000.0);
    }
  }

  private Overhead overhead() throws Exception {
    // JVM start-up: run --once on a board with nothing to do, median of a few.
    Path empty = out.resolve("startup");
    List<Double> startups = new ArrayList<>();
    for (int i = 0; i < startupRuns; i++) {
      deleteTree(empty);
      Files.createDirectories(empty.resolve("board"));
      Files.writeString(empty.resolve("deployment.md"), runbook(false), StandardCharsets.UTF_8);
      Map<String, Object> other = new LinkedHashMap<>();
      other.put("id", "TASK-0001");
      other.put("type", "write_tests");
      other.put("status", "pending");
      other.put("agent", "Tester");
      Files.writeString(
          empty.resolve("board").resolve(BOARD),
          "[\n" + DaemonBoard.entry(other) + "\n]\n",
          StandardCharsets.UTF_8);
      DaemonProcess p =
          DaemonProcess.start(
              workerCommand(empty, true),
              empty,
              out.resolve("startup.stdout.log"),
              out.resolve("startup.log"));
      int rc = p.await(Duration.ofMinutes(2));
      startups.add((System.nanoTime() - p.startedNanos) / 1e6);
      if (rc != 0) {
        problem("run --once with nothing to do exited " + rc);
      }
    }

    Path project = out.resolve("overhead");
    deleteTree(project);
    Files.createDirectories(project.resolve("board"));
    Files.createDirectories(project.resolve("state"));
    Files.writeString(project.resolve("deployment.md"), runbook(false), StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder("[\n");
    Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int n = 1; n <= tasks; n++) {
      if (n > 1) {
        sb.append(",\n");
      }
      sb.append(
          DaemonBoard.entry(
              DaemonBoard.benchTask(String.format("OVH-%04d", n), null, created.plusMillis(n), n)));
    }
    sb.append("\n]\n");
    Path board = project.resolve("board").resolve(BOARD);
    Files.writeString(board, sb, StandardCharsets.UTF_8);
    long initialBytes = Files.size(board);

    List<String> cmd = workerCommand(project, true);
    System.err.println("daemon-bench: run --once over " + tasks + " tasks");
    DaemonProcess p =
        DaemonProcess.start(
            cmd, project, project.resolve("daemon.stdout.log"), project.resolve("daemon.log"));
    int rc = p.await(ONCE_LIMIT);
    double wallMs = (System.nanoTime() - p.startedNanos) / 1e6;
    if (rc != 0) {
      problem("run --once over " + tasks + " tasks exited " + rc);
    }

    int steps = 0;
    long stepMs = 0;
    Map<String, Integer> outcomes = new LinkedHashMap<>();
    // Per task, in the order the worker ran them: when each of its events was journaled.
    Map<String, Map<String, Instant>> events = new LinkedHashMap<>();
    for (JsonNode e : journal(project.resolve("state").resolve("journal.jsonl"))) {
      String kind = e.path("event").asText();
      Instant ts = parse(e.path("ts").asText(null));
      events.computeIfAbsent(e.path("task").asText(), k -> new HashMap<>()).putIfAbsent(kind, ts);
      switch (kind) {
        case "step_end" -> {
          steps++;
          stepMs += e.path("duration_ms").asLong();
        }
        case "outcome" -> outcomes.merge(e.path("status").asText(), 1, Integer::sum);
        default -> {}
      }
    }
    Map<String, List<Double>> segments = new LinkedHashMap<>();
    List<Map<String, Instant>> ordered = new ArrayList<>(events.values());
    segments.put(
        "process start → first `claim`",
        List.of(ms(p.started, ordered.isEmpty() ? null : ordered.get(0).get("claim"))));
    for (int i = 0; i < ordered.size(); i++) {
      Map<String, Instant> t = ordered.get(i);
      addSegment(
          segments,
          "`claim` → `step_start` (claim written to the board, runbook loaded)",
          t.get("claim"),
          t.get("step_start"));
      addSegment(
          segments,
          "`step_start` → `step_end` (the step, `sh` start included)",
          t.get("step_start"),
          t.get("step_end"));
      addSegment(segments, "`step_end` → `outcome`", t.get("step_end"), t.get("outcome"));
      if (i + 1 < ordered.size()) {
        addSegment(
            segments,
            "`outcome` → next `claim` (outcome written to the board, board read again)",
            t.get("outcome"),
            ordered.get(i + 1).get("claim"));
      }
    }
    int doneOnBoard = 0;
    for (JsonNode t : MAPPER.readTree(Files.readAllBytes(board))) {
      if (t.path("status").asText().equals("done")) {
        doneOnBoard++;
      }
    }
    if (doneOnBoard != tasks) {
      problem("run --once left " + (tasks - doneOnBoard) + " of " + tasks + " tasks not done");
    }
    return new Overhead(
        tasks,
        initialBytes,
        Files.size(board),
        rc,
        wallMs,
        startups,
        median(startups),
        steps,
        stepMs,
        outcomes,
        doneOnBoard,
        cmd,
        logProblems(project.resolve("daemon.log")),
        segments);
  }

  private static void addSegment(
      Map<String, List<Double>> segments, String name, Instant from, Instant to) {
    double v = ms(from, to);
    if (!Double.isNaN(v)) {
      segments.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
    }
  }

  // ------------------------------------------------------------------------------------------
  // in-process profile of the two board operations a pickup does (after the daemon stopped)

  record InProcess(double readMs, double claimMs, double journalAppendMs, long boardBytes) {}

  private InProcess inProcess(Pickup pickup) throws Exception {
    if (pickup == null) {
      return null;
    }
    Path dir = out.resolve("profile");
    deleteTree(dir);
    Files.createDirectories(dir.resolve("state"));
    Path file = dir.resolve(BOARD);
    byte[] board =
        DaemonBoard.append(
            Files.readAllBytes(pickup.board()),
            DaemonBoard.entry(DaemonBoard.benchTask("PROFILE-1", null, Instant.now(), 1)));
    Files.write(file, board);
    Board b = Board.at(file);
    TaskFilter filter = TaskFilter.defaultFilter();
    List<Double> reads = new ArrayList<>();
    List<Double> claims = new ArrayList<>();
    List<Double> appends = new ArrayList<>();
    Path journal = dir.resolve("state").resolve("journal.jsonl");
    for (int i = 0; i < 80; i++) {
      long a = System.nanoTime();
      int found = b.read(filter, Set.of()).tasks().size();
      long r = System.nanoTime();
      if (found != 1) {
        throw new IllegalStateException("profile board selects " + found + " tasks, not 1");
      }
      Instant now = Instant.now();
      Patch claim =
          Patch.empty()
              .set("status", Json.valueOf("in_progress"))
              .set("started_at", Json.valueOf(now.toString()))
              .set("updated_at", Json.valueOf(now.toString()))
              .set(
                  "claimed_by",
                  Json.MAPPER.valueToTree(
                      Map.of("agent", "DevOps-Engineer", "host", "bench", "pid", 1)))
              .expect("status", Json.valueOf("pending"));
      long c0 = System.nanoTime();
      b.patch("PROFILE-1", claim);
      long c1 = System.nanoTime();
      b.patch("PROFILE-1", Patch.empty().set("status", Json.valueOf("pending")));
      long j0 = System.nanoTime();
      try (FileChannel ch =
          FileChannel.open(
              journal,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap(("{\"event\":\"claim\",\"n\":" + i + "}\n").getBytes()));
        ch.force(false);
      }
      long j1 = System.nanoTime();
      if (i >= 20) { // after warm-up
        reads.add((r - a) / 1e6);
        claims.add((c1 - c0) / 1e6);
        appends.add((j1 - j0) / 1e6);
      }
    }
    return new InProcess(median(reads), median(claims), median(appends), board.length);
  }

  // ------------------------------------------------------------------------------------------
  // logs and journal

  /** "2026-03-02T10:00:00.123Z INFO TaskExecution - BENCH-0001: claimed (…)" → id → time. */
  private static Map<String, Instant> claimedLines(Path log) throws IOException {
    Map<String, Instant> out = new HashMap<>();
    Pattern p = Pattern.compile("^(\\S+) INFO \\S+ - (\\S+): claimed \\(");
    for (String line : lines(log)) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        Instant at = logTime(m.group(1));
        if (at != null) {
          out.putIfAbsent(m.group(2), at);
        }
      }
    }
    return out;
  }

  private static Instant readyLine(Path log) throws IOException {
    for (String line : lines(log)) {
      if (READY_LINE.matcher(line).find()) {
        Instant at = logTime(line.split(" ", 2)[0]);
        if (at != null) {
          return at;
        }
      }
    }
    return null;
  }

  private static List<String> logProblems(Path log) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : lines(log)) {
      if (line.contains(" WARN ") || line.contains(" ERROR ") || line.startsWith("Exception")) {
        out.add(line);
      }
    }
    return out;
  }

  private static Map<String, Instant> journalClaims(Path journal) throws IOException {
    Map<String, Instant> out = new HashMap<>();
    for (JsonNode e : journal(journal)) {
      if (e.path("event").asText().equals("claim")) {
        Instant at = parse(e.path("ts").asText(null));
        if (at != null) {
          out.putIfAbsent(e.path("task").asText(), at);
        }
      }
    }
    return out;
  }

  private static List<JsonNode> journal(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines(file)) {
      if (!line.isBlank()) {
        try {
          out.add(MAPPER.readTree(line));
        } catch (IOException torn) {
          // a torn last line: not an event
        }
      }
    }
    return out;
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }

  private static Instant logTime(String token) {
    try {
      return OffsetDateTime.parse(token, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (RuntimeException notATime) {
      return null;
    }
  }

  private static Instant parse(String iso) {
    try {
      return iso == null ? null : Instant.parse(iso);
    } catch (RuntimeException notIso) {
      return null;
    }
  }

  // ------------------------------------------------------------------------------------------
  // the runbooks

  /**
   * The benchmark's runbook: {@code infrastructure_update} (not a deployment type, so no quality
   * gate runs) with one deploy step — for pickup trials it blocks on the FIFO named in the payload
   * until the benchmark has seen the claim; for the overhead run it is {@code true}.
   */
  static String runbook(boolean fifo) {
    String step =
        fifo
            ? "if [ -n \"${TASK_PAYLOAD_FIFO:-}\" ]; then read -r line < \"$TASK_PAYLOAD_FIFO\" ||"
                + " true; fi"
            : "true";
    return String.join(
        "\n",
        "# Daemon benchmark runbook",
        "",
        "Written by DaemonBench; the worker runs the fenced blocks.",
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
        "timeout: 2m",
        "attempts: 1",
        "grace: 5s",
        "```",
        "",
        "## infrastructure_update",
        "",
        fifo
            ? "Waits until the benchmark has seen the claimed board version and releases the step."
            : "Does nothing: the step is `true`.",
        "",
        "### deploy",
        "",
        "```sh",
        step,
        "```",
        "");
  }

  // ------------------------------------------------------------------------------------------
  // the report

  private String report(Env env, String loadAfter, Pickup p, Overhead o, InProcess ip) {
    StringBuilder r = new StringBuilder();
    r.append("# Daemon benchmark: pickup latency, idle cost, per-task overhead\n\n");
    r.append("Measured ")
        .append(env.date())
        .append(" on a **shared machine** (other engineers' builds and benchmarks ran at the same")
        .append(" time; load average ")
        .append(p == null ? env.loadBefore() : p.loadBefore())
        .append(" before, ")
        .append(loadAfter)
        .append(" after, on ")
        .append(env.nproc())
        .append(" cores). Figures are medians and percentiles for that reason.\n\n");
    r.append("| machine | |\n|---|---|\n");
    r.append("| date | ").append(env.date()).append(" |\n");
    r.append("| `nproc` | ").append(env.nproc()).append(" |\n");
    r.append("| CPU | ").append(env.cpu()).append(" |\n");
    r.append("| memory | ").append(env.memory()).append(" |\n");
    r.append("| `java -version` | ").append(env.javaVersion()).append(" |\n");
    r.append("| worker | ").append(env.source()).append(" |\n");
    r.append("| kernel, file system | ")
        .append(env.kernel())
        .append(", ")
        .append(env.fileSystem())
        .append(" |\n\n");
    r.append("Command (from the project root):\n\n```sh\n")
        .append(COMMAND)
        .append(args.isBlank() ? "" : " " + args)
        .append("\n```\n\n");

    r.append("| figure | value | target | met |\n|---|---|---|---|\n");
    List<Trial> ok = p == null ? List.of() : p.trials().stream().filter(Trial::ok).toList();
    List<Double> lat = ok.stream().map(Trial::latencyMs).sorted().toList();
    if (p != null && !lat.isEmpty()) {
      String what =
          String.format(
              Locale.ROOT,
              "%d of %d trials, %s board, %,d other tasks",
              lat.size(),
              p.trials().size(),
              size(p.initialBytes()),
              p.otherTasks());
      row(
          r,
          "pickup latency t1 − t0, p50 (" + what + ")",
          ms1(pct(lat, 50)),
          "≤ 50 ms",
          pct(lat, 50) <= 50);
      row(r, "pickup latency p90", ms1(pct(lat, 90)), "", null);
      row(r, "pickup latency p99", ms1(pct(lat, 99)), "≤ 200 ms", pct(lat, 99) <= 200);
      row(r, "pickup latency max", ms1(lat.get(lat.size() - 1)), "", null);
      List<Double> seen = ok.stream().map(t -> ms(t.t0(), t.seen())).sorted().toList();
      row(
          r,
          "claim seen by the benchmark (t0 → its WatchService read the claimed version), p50 / p99",
          ms1(pct(seen, 50)) + " / " + ms1(pct(seen, 99)),
          "",
          null);
    } else {
      row(r, "pickup latency", "n/a (see problems)", "p50 ≤ 50 ms, p99 ≤ 200 ms", false);
    }
    if (p != null && p.idle() != null) {
      Idle i = p.idle();
      row(
          r,
          String.format(Locale.ROOT, "idle CPU (%.0f s window, board unchanged)", i.seconds()),
          String.format(
              Locale.ROOT,
              "%.2f %% of one core (%d ticks of 1/%d s)",
              i.cpuPercent(),
              i.ticks(),
              i.clkTck()),
          "≤ 1 %",
          i.cpuPercent() <= 1.0);
      row(
          r,
          "RSS idle: VmRSS / VmHWM",
          String.format(
              Locale.ROOT, "%.0f MiB / %.0f MiB (%d threads)", i.rssMib(), i.hwmMib(), i.threads()),
          "",
          null);
    }
    if (p != null) {
      row(r, "start-up to ready: " + p.startupHow(), ms0(p.startupMs()), "", null);
      if (!Double.isNaN(p.lockMs())) {
        row(
            r,
            "start-up: process start → worker.lock created (instance lock taken)",
            ms0(p.lockMs()),
            "",
            null);
      }
      if (!Double.isNaN(p.pickupCpuSeconds())) {
        row(
            r,
            "daemon CPU during the pickup trials, per trial",
            String.format(
                Locale.ROOT,
                "%.0f ms (%.1f s for %d trials)",
                1000 * p.pickupCpuSeconds() / Math.max(1, p.pickupTasks()),
                p.pickupCpuSeconds(),
                p.pickupTasks()),
            "",
            null);
      }
    }
    if (o != null) {
      row(
          r,
          String.format(
              Locale.ROOT, "`run --once`, %d pending tasks (step `true`): wall", o.tasks()),
          String.format(Locale.ROOT, "%.2f s", o.wallMs() / 1000),
          "",
          null);
      row(r, "tasks per second", String.format(Locale.ROOT, "%.1f", o.tasksPerSecond()), "", null);
      row(
          r,
          "sum of step durations (journal `step_end` `duration_ms`)",
          String.format(
              Locale.ROOT,
              "%.2f s (%d steps, %.1f ms each)",
              o.stepMsSum() / 1000.0,
              o.steps(),
              o.stepMsSum() / (double) Math.max(1, o.steps())),
          "",
          null);
      row(
          r,
          String.format(
              Locale.ROOT,
              "JVM start-up (`run --once` with nothing to do, median of %d)",
              o.startupMs().size()),
          ms0(o.startupMedianMs()),
          "",
          null);
      row(
          r,
          "worker overhead per task = (wall − steps − start-up) / tasks",
          String.format(Locale.ROOT, "%.1f ms", o.overheadPerTaskMs()),
          "",
          null);
      row(
          r,
          "board size before → after",
          size(o.initialBytes()) + " → " + size(o.finalBytes()),
          "",
          null);
    }
    r.append('\n');

    if (p != null && !ok.isEmpty()) {
      breakdown(r, p, ok);
    }
    if (o != null && !o.segments().isEmpty()) {
      r.append("Where the `run --once` time goes (journal timestamps of each task's events):\n\n");
      r.append("| segment | tasks | p50 | p90 | total |\n|---|---|---|---|---|\n");
      for (Map.Entry<String, List<Double>> e : o.segments().entrySet()) {
        List<Double> v = e.getValue().stream().filter(d -> !d.isNaN()).sorted().toList();
        if (v.isEmpty()) {
          continue;
        }
        r.append("| ")
            .append(e.getKey())
            .append(" | ")
            .append(v.size())
            .append(" | ")
            .append(ms1(pct(v, 50)))
            .append(" | ")
            .append(ms1(pct(v, 90)))
            .append(" | ")
            .append(
                String.format(
                    Locale.ROOT,
                    "%.2f s",
                    v.stream().mapToDouble(Double::doubleValue).sum() / 1000))
            .append(" |\n");
      }
      r.append('\n');
    }
    if (ip != null) {
      r.append("In-process cross-check (the same board code in the benchmark's JVM, warm, after")
          .append(" the daemon stopped; ")
          .append(size(ip.boardBytes()))
          .append(" board; medians of 60): selective read ")
          .append(ms1(ip.readMs()))
          .append(", claim patch (lock, read, splice, write, fsync, rename, directory fsync) ")
          .append(ms1(ip.claimMs()))
          .append(", one journal line appended and fsynced ")
          .append(ms1(ip.journalAppendMs()))
          .append(".\n\n");
    }

    howMeasured(r, p, o);
    findings(r, p, ok, o);
    return r.toString();
  }

  /** Where the time between t0 and the claim on disk goes, from the daemon's own timestamps. */
  private void breakdown(StringBuilder r, Pickup p, List<Trial> ok) {
    Map<String, Function<Trial, Double>> parts = new LinkedHashMap<>();
    parts.put(
        "t0 → our own rename event from a JDK WatchService (file-event delivery, in the benchmark's"
            + " JVM)",
        t -> ms(t.t0(), t.ownEvent()));
    parts.put(
        "t0 → `started_at` the worker stamps (event delivery + 15 ms debounce + stamp check +"
            + " selective read + ordering)",
        t -> ms(t.t0(), t.startedAt()));
    parts.put(
        "`started_at` → journal `claim` `ts`",
        t -> ms(t.startedAt(), p.journalClaim().get(t.id())));
    parts.put(
        "journal `claim` `ts` → t1 (journal fsync, board lock, read under the lock, splice, temp"
            + " write)",
        t -> ms(p.journalClaim().get(t.id()), t.claimMtime()));
    parts.put(
        "t1 → the daemon's `claimed` log line (temp fsync, version check, backup link, rename,"
            + " directory fsync; log has ms resolution)",
        t -> ms(t.claimMtime(), p.claimedLog().get(t.id())));
    parts.put("t1 → the benchmark read the claimed version", t -> ms(t.claimMtime(), t.seen()));
    r.append("Where the pickup time goes (").append(ok.size()).append(" trials):\n\n");
    r.append("| segment | p50 | p90 | p99 | max |\n|---|---|---|---|---|\n");
    for (Map.Entry<String, Function<Trial, Double>> e : parts.entrySet()) {
      List<Double> v =
          ok.stream().map(e.getValue()).filter(d -> d != null && !d.isNaN()).sorted().toList();
      if (v.isEmpty()) {
        continue;
      }
      r.append("| ")
          .append(e.getKey())
          .append(" | ")
          .append(ms1(pct(v, 50)))
          .append(" | ")
          .append(ms1(pct(v, 90)))
          .append(" | ")
          .append(ms1(pct(v, 99)))
          .append(" | ")
          .append(ms1(v.get(v.size() - 1)))
          .append(" |\n");
    }
    r.append('\n');
    List<Trial> slowest =
        ok.stream()
            .sorted(Comparator.comparingDouble(Trial::latencyMs).reversed())
            .limit(5)
            .toList();
    r.append("Slowest trials: ");
    List<String> s = new ArrayList<>();
    for (Trial t : slowest) {
      s.add(
          String.format(
              Locale.ROOT,
              "%s %.1f ms (to `started_at` %.1f ms)",
              t.id(),
              t.latencyMs(),
              ms(t.t0(), t.startedAt())));
    }
    r.append(String.join("; ", s)).append(".\n\n");
    List<Double> first10 =
        ok.stream().filter(t -> t.n() <= 10).map(Trial::latencyMs).sorted().toList();
    List<Double> rest = ok.stream().filter(t -> t.n() > 10).map(Trial::latencyMs).sorted().toList();
    if (!first10.isEmpty() && !rest.isEmpty()) {
      r.append(
          String.format(
              Locale.ROOT,
              "Cold vs warm daemon: p50 of trials 1–10 %.1f ms, of trials 11–%d %.1f ms.%n%n",
              pct(first10, 50),
              ok.get(ok.size() - 1).n(),
              pct(rest, 50)));
    }
  }

  private void howMeasured(StringBuilder r, Pickup p, Overhead o) {
    r.append("## How each figure is measured\n\n");
    r.append(
        "The worker runs as a separate process, `java -jar devops-worker.jar run --board B"
            + " --runbook R --state-dir S` (default JVM flags; a copy of `target/devops-worker.jar`"
            + " taken when the benchmark starts, because other builds on the machine may rebuild"
            + " `target/`), stderr to `daemon.log` in the output directory.\n\n");
    r.append(
        "- **Pickup latency.** The board is a top-level array with 2-space indent: about 1 MB of"
            + " other agents' tasks with realistic fields and non-ASCII text (accents, CJK, emoji),"
            + " none the worker would take. Each trial appends one pending `infrastructure_update`"
            + " task for DevOps-Engineer (`BENCH-<n>`) as another agent would: the new bytes are"
            + " spliced before the final `]`, written to a temp file in the board's directory,"
            + " fsynced, and renamed over the board (`ATOMIC_MOVE`). **t0** = `Instant.now()` just"
            + " before the rename. **t1** = the nanosecond mtime of the first board version in"
            + " which the task is no longer `pending` — the worker's claim; it writes a temp file"
            + " and renames it, so the mtime is when the claim's bytes were written (before the"
            + " fsync and rename). The benchmark waits on a `WatchService` on the board's"
            + " directory and reads only versions that are not its own. The runbook's deploy step"
            + " reads one line from a FIFO named in the task's payload (`TASK_PAYLOAD_FIFO`), so"
            + " the `in_progress` version stays on disk until the benchmark has seen it; then it"
            + " releases the step and waits for `done` before the next trial, after an idle gap of"
            + " "
            + gapMs / 2
            + "–"
            + (gapMs / 2 + gapMs)
            + " ms. Percentiles are nearest-rank over all trials. Task type"
            + " `infrastructure_update` (deployment types pass quality gates first, which is not"
            + " what is measured here; the runbook's `## gates` lists are empty as well).\n");
    r.append(
        "- **Where the time goes** uses the daemon's own timestamps: `started_at` (taken when"
            + " it decides to claim, after its board read), the journal's `claim` `ts` (taken"
            + " before the journal line is fsynced), t1, and its `claimed` log line (after the"
            + " board write). Wall clocks of two processes on one machine; the log has"
            + " millisecond resolution.\n");
    r.append(
        "- **Idle cost.** After the trials, with the board unchanged and nothing pending, after"
            + " a 2 s settle: utime+stime of the daemon's process (all threads) from"
            + " `/proc/PID/stat` at the start and end of the window, in clock ticks (`getconf"
            + " CLK_TCK`), as a percentage of one core over the window's wall time; VmRSS and VmHWM"
            + " from `/proc/PID/status` at its end. The window includes the 30 s safety rescans.\n");
    r.append(
        "- **Start-up.** The first task (`BENCH-0000`) is on the board before the daemon starts;"
            + " the daemon logs nothing when it starts watching, so start-up to ready is measured"
            + " from just before `ProcessBuilder.start()` to the mtime of the board version with"
            + " that task's claim (JVM start, class loading, journal open, watcher start, first"
            + " board read, claim write). Not counted in the latency percentiles.\n");
    r.append(
        "- **Overhead.** A fresh project with only the pending tasks (same task shape, no FIFO,"
            + " deploy step `true`), `run --once`, wall time from just before"
            + " `ProcessBuilder.start()` to the process's exit. Steps = sum of `duration_ms` of the"
            + " journal's `step_end` events (each includes starting `sh` for the step). JVM start-up"
            + " = wall time of `run --once` on a one-task board with nothing to do (median of "
            + (o == null ? startupRuns : o.startupMs().size())
            + "). Overhead per task = (wall − steps − start-up) / tasks: claim and outcome writes"
            + " (each a journal fsync and a locked rewrite of the whole board with fsyncs), board"
            + " reads, runbook loading, log files.\n\n");
  }

  private void findings(StringBuilder r, Pickup p, List<Trial> ok, Overhead o) {
    r.append("## Targets\n\n");
    if (p != null && !ok.isEmpty()) {
      List<Double> lat = ok.stream().map(Trial::latencyMs).sorted().toList();
      double p50 = pct(lat, 50);
      double p99 = pct(lat, 99);
      List<Double> toStart =
          ok.stream().map(t -> ms(t.t0(), t.startedAt())).filter(d -> !d.isNaN()).sorted().toList();
      List<Double> toDisk =
          ok.stream()
              .map(t -> ms(t.startedAt(), t.claimMtime()))
              .filter(d -> !d.isNaN())
              .sorted()
              .toList();
      r.append(
          String.format(
              Locale.ROOT,
              "- Pickup p50 %.1f ms (target ≤ 50 ms): **%s**; p99 %.1f ms (target ≤ 200 ms):"
                  + " **%s**. Of the median, %.1f ms pass before the worker decides to claim"
                  + " (`started_at`) and %.1f ms between that and the claim's bytes on disk.%n",
              p50,
              p50 <= 50 ? "met" : "missed",
              p99,
              p99 <= 200 ? "met" : "missed",
              toStart.isEmpty() ? Double.NaN : pct(toStart, 50),
              toDisk.isEmpty() ? Double.NaN : pct(toDisk, 50)));
    }
    if (p != null && p.idle() != null) {
      r.append(
          String.format(
              Locale.ROOT,
              "- Idle CPU %.2f %% of one core (target ≤ 1 %%): **%s**.%n",
              p.idle().cpuPercent(),
              p.idle().cpuPercent() <= 1.0 ? "met" : "missed"));
    }
    List<String> all = new ArrayList<>(problems);
    if (p != null) {
      if (p.exitCode() != null && p.exitCode() != 0 && p.exitCode() != 143) {
        all.add("the daemon exited " + p.exitCode() + " after SIGTERM");
      }
      p.logProblems().stream().limit(10).forEach(l -> all.add("daemon log: " + l));
      if (p.idle() != null && !p.idle().boardUnchanged()) {
        all.add("the board changed during the idle window");
      }
    }
    if (o != null) {
      o.logProblems().stream().limit(10).forEach(l -> all.add("`run --once` log: " + l));
    }
    if (all.isEmpty()) {
      r.append("- Every trial and run completed; no warnings or errors in the daemon's logs.\n");
    } else {
      r.append("- Problems during the run:\n");
      all.forEach(a -> r.append("  - ").append(a.replace("|", "\\|")).append('\n'));
    }
    r.append('\n');
  }

  private static void row(StringBuilder r, String what, String value, String target, Boolean met) {
    r.append("| ")
        .append(what)
        .append(" | ")
        .append(value)
        .append(" | ")
        .append(target)
        .append(" | ")
        .append(met == null ? "" : met ? "yes" : "**no**")
        .append(" |\n");
  }

  /** Replaces the generated part of the doc, keeping a hand-written analysis after the marker. */
  private void writeDoc(String report) throws IOException {
    String kept = ANALYSIS_MARKER + "\n";
    if (Files.exists(doc)) {
      String old = Files.readString(doc, StandardCharsets.UTF_8);
      int at = old.indexOf(ANALYSIS_MARKER);
      if (at >= 0) {
        kept = old.substring(at);
      }
    }
    if (doc.getParent() != null) {
      Files.createDirectories(doc.getParent());
    }
    Files.writeString(doc, report + kept, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------------------
  // small helpers

  private void problem(String p) {
    problems.add(p);
    System.err.println("daemon-bench: " + p);
  }

  private static String id(int n) {
    return String.format("BENCH-%04d", n);
  }

  static double ms(Instant a, Instant b) {
    if (a == null || b == null) {
      return Double.NaN;
    }
    return Duration.between(a, b).toNanos() / 1e6;
  }

  /** Nearest-rank percentile of a sorted list. */
  static double pct(List<Double> sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.min(sorted.size(), Math.max(1, rank)) - 1);
  }

  static double median(List<Double> values) {
    List<Double> s = values.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static String ms1(double v) {
    return String.format(Locale.ROOT, "%.1f ms", v);
  }

  private static String ms0(double v) {
    return String.format(Locale.ROOT, "%.0f ms", v);
  }

  private static String size(long bytes) {
    return bytes >= 1 << 20
        ? String.format(Locale.ROOT, "%.2f MiB (%,d bytes)", bytes / 1048576.0, bytes)
        : String.format(Locale.ROOT, "%.0f KiB (%,d bytes)", bytes / 1024.0, bytes);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The machine, read once at the start. */
  record Env(
      String date,
      String nproc,
      String cpu,
      String memory,
      String javaVersion,
      String kernel,
      String fileSystem,
      String loadBefore,
      String source) {
    static Env now(String java, Path out) throws IOException {
      String cpu = "?";
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          cpu = l.substring(l.indexOf(':') + 1).trim();
          break;
        }
      }
      String mem = "?";
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.replaceAll("\\D", ""));
          mem = String.format(Locale.ROOT, "%.1f GiB", kb / 1048576.0);
          break;
        }
      }
      String version =
          DaemonProcess.output(List.of(java, "-version")).lines().findFirst().orElse("?");
      return new Env(
          OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString(),
          DaemonProcess.output(List.of("nproc")),
          cpu,
          mem,
          version,
          Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip(),
          Files.getFileStore(out).type() + " (" + out.toAbsolutePath() + ")",
          loadavg(),
          gitSource());
    }

    /** The commit the jar was built from, and whether src/main had uncommitted changes. */
    static String gitSource() {
      String head = DaemonProcess.output(List.of("git", "rev-parse", "--short", "HEAD"));
      String dirty = DaemonProcess.output(List.of("git", "status", "--porcelain", "src/main"));
      return "`target/devops-worker.jar` built from "
          + head
          + (dirty.isEmpty() ? "" : " plus uncommitted changes in `src/main`");
    }

    static String loadavg() {
      try {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
        return f[0] + " / " + f[1] + " / " + f[2];
      } catch (IOException e) {
        return "?";
      }
    }
  }
}

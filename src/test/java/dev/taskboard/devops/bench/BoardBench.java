package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Json;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Run from the project root:
 *
 * <pre>{@code
 * mvn -B -q -DskipTests package test-compile && java -cp target/devops-worker.jar:target/test-classes dev.taskboard.devops.bench.BoardBench [--sizes 1,10,100] [--runs 5] [--out DIR]
 * }</pre>
 *
 * <p>The board benchmark: generates boards of about 1, 10 and 100 MB, then measures, each time in a
 * fresh JVM, a selective read ({@code -Xmx64m}), Jayway JsonPath on the whole document ({@code
 * -Xmx2g}), {@code jq} (when on PATH), one patch ({@code -Xmx64m}) and its baseline, copying the
 * file and fsyncing it. Prints medians as a markdown table.
 *
 * <p>A plain {@code main}: no JUnit, no JMH. Each number is the median over {@code --runs}
 * processes; inside a child only the operation itself is timed (JVM start excluded, class loading
 * and JIT warm-up of a cold process included). {@code jq} is timed from here, around its process.
 * Two supplements show where the time goes: a patch broken into its steps, and the same operations
 * repeated in one long-running JVM. Results and the machine are in {@code docs/benchmarks.md}.
 */
public final class BoardBench {
  static final String JQ_FILTER =
      ".[] | select(.agent==\"DevOps-Engineer\" and .status==\"pending\" and"
          + " ((.type|test(\"^(deployment|infrastructure)_\")) or .type==\"monitoring_setup\"))";

  private static final long SEED = 0x7A5CB0A2DL;

  /**
   * What bin/devops-worker adds for a one-shot command (the quick compiler only), so that the
   * fresh-JVM selective read and patch are measured as an operator runs them. Jayway's child keeps
   * the default: the same flag made no difference to it (3.0–3.4 s either way, measured apart).
   */
  static final String ONE_SHOT = "-XX:TieredStopAtLevel=1";

  private static final double QUIET_IDLE = 0.8;
  private static final int WARM_ITERATIONS = 16;
  private static final int WARM_TAIL = 8;
  private static final long QUIET_WAIT_MS = 60_000;

  private final String java;
  private final String classpath;
  private final Path out;
  private final int runs;
  private final boolean haveJq;
  private final List<String> problems = new ArrayList<>();
  private final List<Double> idleSeen = new ArrayList<>();
  private int quietTimeouts;

  /** One child's answer. */
  record Measure(boolean ok, double ms, double heapMb, long count, double wallMs, JsonNode raw) {
    static Measure failed(double wallMs) {
      return new Measure(false, Double.NaN, Double.NaN, -1, wallMs, null);
    }
  }

  /** All runs of one size. */
  record Row(
      BoardGenerator.Generated board,
      List<Measure> select,
      List<Measure> jayway,
      List<Measure> jq,
      List<Measure> patch,
      List<Measure> patchUnread,
      List<Measure> copy,
      List<Measure> parts,
      Measure warm,
      Measure warmSmallHeap,
      Measure warmJayway,
      List<Double> idle,
      int quietTimeouts,
      String loadBefore) {}

  private BoardBench(String java, String classpath, Path out, int runs, boolean haveJq) {
    this.java = java;
    this.classpath = classpath;
    this.out = out;
    this.runs = runs;
    this.haveJq = haveJq;
  }

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = List.of(1, 10, 100);
    int runs = 5;
    Path outDir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sizes" ->
            sizes = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--out" -> outDir = Path.of(args[++i]);
        default -> {
          System.err.println(
              "usage: BoardBench [--sizes 1,10,100] [--runs 5] [--out DIR]; unknown " + args[i]);
          System.exit(2);
        }
      }
    }
    boolean temporary = outDir == null;
    Path out =
        temporary ? Files.createTempDirectory("board-bench-") : Files.createDirectories(outDir);
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    BoardBench bench =
        new BoardBench(java, System.getProperty("java.class.path"), out, runs, onPath("jq"));
    bench.run(sizes, temporary);
  }

  private void run(List<Integer> sizes, boolean temporary) throws Exception {
    log("board-bench: out=" + out + " runs=" + runs + " jq=" + (haveJq ? "yes" : "no (skipped)"));
    log(environment());
    List<Row> rows = new ArrayList<>();
    for (int mb : sizes) {
      Path file = out.resolve("board-" + mb + "mb.json");
      long g0 = System.nanoTime();
      BoardGenerator.Generated board = BoardGenerator.write(file, mb * 1_000_000L, SEED + mb);
      log(
          String.format(
              Locale.ROOT,
              "generated %s: %.1f MB, %d tasks, %d matching, in %.1f s",
              file.getFileName(),
              board.bytes() / 1e6,
              board.tasks(),
              board.matchIds().size(),
              (System.nanoTime() - g0) / 1e9));
      rows.add(measure(board));
      if (temporary) {
        Files.deleteIfExists(file);
      }
    }
    String report = report(rows);
    System.out.println();
    System.out.println(report);
    Path results = out.resolve("results.md");
    Files.writeString(results, environment() + "\n\n" + report);
    log("wrote " + results);
  }

  private Row measure(BoardGenerator.Generated board) throws Exception {
    Path file = board.file();
    String f = file.toString();
    String patchId = board.matchIds().get(board.matchIds().size() / 2);
    warm(file);
    idleSeen.clear();
    quietTimeouts = 0;
    String loadBefore = loadAverage();
    List<Measure> select = new ArrayList<>();
    List<Measure> jayway = new ArrayList<>();
    List<Measure> jq = new ArrayList<>();
    List<Measure> patch = new ArrayList<>();
    List<Measure> patchUnread = new ArrayList<>();
    List<Measure> copy = new ArrayList<>();
    List<Measure> parts = new ArrayList<>();
    String label = String.format(Locale.ROOT, "%.0f MB", board.bytes() / 1e6);
    for (int run = 1; run <= runs; run++) {
      Measure s = child("-Xmx64m " + ONE_SHOT, "select", f);
      select.add(s);
      if (!s.ok()) {
        problem(label + ": the selective read FAILED under -Xmx64m (a target)");
      } else if (s.count() != board.matchIds().size()) {
        problem(
            label
                + ": selective read found "
                + s.count()
                + " tasks, the generator wrote "
                + board.matchIds().size());
      }
      Measure j = child("-Xmx2g", "jayway", f);
      jayway.add(j);
      checkCount(label, "Jayway whole-document read", j, s);
      if (haveJq) {
        Measure q = jq(file);
        jq.add(q);
        checkCount(label, "jq", q, s);
      }
      Measure p = child("-Xmx64m " + ONE_SHOT, "patch", f, patchId, out.toString(), "read-before");
      patch.add(p);
      Measure pu = child("-Xmx64m " + ONE_SHOT, "patch", f, patchId, out.toString(), "not-read");
      patchUnread.add(pu);
      if (!pu.ok() || pu.count() != 1) {
        problem(label + ": the patch of an unread board FAILED: " + pu.raw());
      }
      if (!p.ok() || p.count() != 1) {
        problem(label + ": the patch FAILED or wrote something else: " + p.raw());
      }
      Measure c = child("-Xmx64m", "copy", f, out.toString());
      copy.add(c);
      Measure parts1 = child("-Xmx64m", "parts", f, patchId, out.toString());
      parts.add(parts1);
      log(
          String.format(
              Locale.ROOT,
              "%s run %d/%d: select %s ms %s MB (%d) | jayway %s ms %s MB (%d) | jq %s ms (%d)"
                  + " | patch %s ms | copy+fsync %s ms | parts %s",
              label,
              run,
              runs,
              num(s.ms()),
              num(s.heapMb()),
              s.count(),
              num(j.ms()),
              num(j.heapMb()),
              j.count(),
              haveJq ? num(jq.get(jq.size() - 1).ms()) : "-",
              haveJq ? jq.get(jq.size() - 1).count() : -1,
              num(p.ms()),
              num(c.ms()),
              parts1.raw()));
    }
    log(label + ": the same operations repeated in one JVM (" + WARM_ITERATIONS + " times)");
    // The same heap as Jayway's for the comparison, and the 64 MB heap the worker must also run in.
    Measure warm = child("-Xmx2g", "warm", f, patchId, out.toString(), "" + WARM_ITERATIONS);
    Measure warmSmallHeap =
        child("-Xmx64m", "warm", f, patchId, out.toString(), "" + WARM_ITERATIONS);
    Measure warmJayway = child("-Xmx2g", "warm-jayway", f, "" + WARM_ITERATIONS);
    log(label + " warm: " + warm.raw() + " " + warmSmallHeap.raw() + " " + warmJayway.raw());
    return new Row(
        board,
        select,
        jayway,
        jq,
        patch,
        patchUnread,
        copy,
        parts,
        warm,
        warmSmallHeap,
        warmJayway,
        List.copyOf(idleSeen),
        quietTimeouts,
        loadBefore);
  }

  private void checkCount(String label, String what, Measure m, Measure selective) {
    if (!m.ok()) {
      problem(label + ": " + what + " FAILED");
    } else if (selective.ok() && m.count() != selective.count()) {
      problem(
          label
              + ": MATCH COUNT MISMATCH: "
              + what
              + " found "
              + m.count()
              + ", the selective read "
              + selective.count());
    }
  }

  private Measure child(String xmx, String... args) throws IOException, InterruptedException {
    awaitQuiet();
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(List.of(xmx.split(" ")));
    cmd.addAll(List.of("-cp", classpath));
    cmd.add(BenchChild.class.getName());
    cmd.addAll(List.of(args));
    long t0 = System.nanoTime();
    Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = process.waitFor();
    double wallMs = (System.nanoTime() - t0) / 1e6;
    String line =
        output.lines().filter(l -> l.startsWith("{\"op\"")).reduce((a, b) -> b).orElse(null);
    if (rc != 0 || line == null) {
      problem(
          "child "
              + String.join(" ", args)
              + " ("
              + xmx
              + ") exited "
              + rc
              + ":\n"
              + tail(output, 12));
      return Measure.failed(wallMs);
    }
    JsonNode json = Json.parse(line);
    if (json.has("error")) {
      problem("child " + String.join(" ", args) + ": " + json.get("error").asText());
    }
    return new Measure(
        !json.has("error"),
        json.path("ms").asDouble(Double.NaN),
        json.path("heapMb").asDouble(Double.NaN),
        json.path("count").asLong(-1),
        wallMs,
        json);
  }

  private Measure jq(Path file) throws IOException, InterruptedException {
    awaitQuiet();
    Path result = out.resolve("jq-out.jsonl");
    Path errors = out.resolve("jq-err.txt");
    ProcessBuilder pb =
        new ProcessBuilder("jq", "-c", JQ_FILTER, file.toString())
            .redirectOutput(result.toFile())
            .redirectError(errors.toFile());
    long t0 = System.nanoTime();
    Process process = pb.start();
    int rc = process.waitFor();
    double ms = (System.nanoTime() - t0) / 1e6;
    try {
      if (rc != 0) {
        problem("jq exited " + rc + ": " + tail(Files.readString(errors), 5));
        return Measure.failed(ms);
      }
      long count;
      try (var lines = Files.lines(result)) {
        count = lines.filter(l -> !l.isBlank()).count();
      }
      return new Measure(true, ms, Double.NaN, count, ms, null);
    } finally {
      Files.deleteIfExists(result);
      Files.deleteIfExists(errors);
    }
  }

  /**
   * The machine is shared: before each measurement, wait (up to {@link #QUIET_WAIT_MS}) until the
   * CPUs were at least {@link #QUIET_IDLE} idle over half a second. Nothing is discarded; the idle
   * shares seen and the waits that timed out are reported.
   */
  private void awaitQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + QUIET_WAIT_MS * 1_000_000L;
    double idle;
    do {
      long[] a = cpuTicks();
      Thread.sleep(500);
      long[] b = cpuTicks();
      if (a == null || b == null || b[1] == a[1]) {
        return;
      }
      idle = (double) (b[0] - a[0]) / (b[1] - a[1]);
      if (idle >= QUIET_IDLE) {
        idleSeen.add(idle);
        return;
      }
    } while (System.nanoTime() < deadline);
    idleSeen.add(idle);
    quietTimeouts++;
  }

  /** {idle, total} jiffies over all CPUs from /proc/stat, or null where there is none. */
  private static long[] cpuTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      return new long[] {idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Reads the file once so every measurement starts with it in the page cache. */
  private static void warm(Path file) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      while (in.read(buffer) >= 0) {
        buffer.clear();
      }
    }
  }

  private String report(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("Medians of ")
        .append(runs)
        .append(" runs, each in a fresh JVM; the selective read and the patch with ")
        .append(ONE_SHOT)
        .append(", as bin/devops-worker runs a one-shot command.\n\n");
    sb.append(
        "| size | tasks | matches | selective read ms | selective peak heap MB (-Xmx64m)"
            + " | Jayway whole-doc ms | Jayway peak heap MB (-Xmx2g) | jq ms"
            + " | Jayway / selective | jq / selective | patch ms (-Xmx64m) | copy+fsync ms"
            + " | patch / copy+fsync | patch of a board not read before ms |\n");
    sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      double sel = median(r.select(), Measure::ms);
      double jay = median(r.jayway(), Measure::ms);
      double jq = median(r.jq(), Measure::ms);
      double patch = median(r.patch(), Measure::ms);
      double copy = median(r.copy(), Measure::ms);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %.1f MB | %d | %d | %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
              r.board().bytes() / 1e6,
              r.board().tasks(),
              r.board().matchIds().size(),
              num(sel),
              failures(r.select()),
              num(median(r.select(), Measure::heapMb)),
              num(jay),
              num(median(r.jayway(), Measure::heapMb)),
              haveJq ? num(jq) : "n/a",
              ratio(jay, sel),
              haveJq ? ratio(jq, sel) : "n/a",
              num(patch),
              num(copy),
              ratio(patch, copy),
              num(median(r.patchUnread(), Measure::ms))));
    }
    sb.append("\nPatch breakdown (medians; one JVM per run, steps in this order, so the later")
        .append(" steps run with a warmer JIT than the cold patch above):\n\n")
        .append(
            "| size | full scan, cold (`get`) ms | CRC32C re-read ms | copy+fsync ms"
                + " | full scan, warm ms | patch, warm ms | second patch ms |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %.1f MB | %s | %s | %s | %s | %s | %s |\n",
              r.board().bytes() / 1e6,
              num(median(r.parts(), m -> field(m, "scanMs"))),
              num(median(r.parts(), m -> field(m, "crcMs"))),
              num(median(r.parts(), m -> field(m, "copyMs"))),
              num(median(r.parts(), m -> field(m, "scanWarmMs"))),
              num(median(r.parts(), m -> field(m, "patchWarmMs"))),
              num(median(r.parts(), m -> field(m, "patchAgainMs")))));
    }
    sb.append(
            "\nThe same operations repeated "
                + WARM_ITERATIONS
                + " times in one JVM (a long-running worker): first iteration / median of the"
                + " last "
                + WARM_TAIL
                + ", wall ms (thread CPU ms); ratios on the warm medians with the same heap as"
                + " Jayway's (in brackets: the worker's in 64 MB), against the jq and copy+fsync"
                + " medians above:\n\n")
        .append(
            "| size | selective (-Xmx2g) | selective (-Xmx64m) | Jayway whole-doc (-Xmx2g)"
                + " | patch (-Xmx2g) | patch (-Xmx64m) | Jayway / selective (64m)"
                + " | jq / selective (64m) | patch / copy+fsync (64m) |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      double sel = warmTail(r.warm(), "selectMs");
      double sel64 = warmTail(r.warmSmallHeap(), "selectMs");
      double jay = warmTail(r.warmJayway(), "jaywayMs");
      double patch = warmTail(r.warm(), "patchMs");
      double patch64 = warmTail(r.warmSmallHeap(), "patchMs");
      double jq = haveJq ? median(r.jq(), Measure::ms) : Double.NaN;
      double copy = median(r.copy(), Measure::ms);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %.1f MB | %s | %s | %s | %s | %s | %s (%s) | %s (%s) | %s (%s) |\n",
              r.board().bytes() / 1e6,
              warmCell(r.warm(), "selectMs", "selectCpuMs"),
              warmCell(r.warmSmallHeap(), "selectMs", "selectCpuMs"),
              warmCell(r.warmJayway(), "jaywayMs", "jaywayCpuMs"),
              warmCell(r.warm(), "patchMs", "patchCpuMs"),
              warmCell(r.warmSmallHeap(), "patchMs", "patchCpuMs"),
              ratio(jay, sel),
              ratio(jay, sel64),
              haveJq ? ratio(jq, sel) : "n/a",
              haveJq ? ratio(jq, sel64) : "n/a",
              ratio(patch, copy),
              ratio(patch64, copy)));
    }
    sb.append("\nSpread (min–max over the runs, wall ms):\n\n")
        .append("| size | selective | Jayway | jq | patch | copy+fsync |\n")
        .append("|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %.1f MB | %s | %s | %s | %s | %s |\n",
              r.board().bytes() / 1e6,
              spread(r.select()),
              spread(r.jayway()),
              haveJq ? spread(r.jq()) : "n/a",
              spread(r.patch()),
              spread(r.copy())));
    }
    sb.append(
            "\nCPU time of the operation (medians, ms): the measuring thread, and the whole child"
                + " process (JIT compiler and GC threads included); child wall time including JVM"
                + " start:\n\n")
        .append(
            "| size | selective thread | selective process | Jayway thread | Jayway process"
                + " | patch thread | patch process | patch peak heap MB | selective child wall"
                + " | Jayway child wall |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %.1f MB | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
              r.board().bytes() / 1e6,
              num(median(r.select(), m -> field(m, "cpuMs"))),
              num(median(r.select(), m -> field(m, "processCpuMs"))),
              num(median(r.jayway(), m -> field(m, "cpuMs"))),
              num(median(r.jayway(), m -> field(m, "processCpuMs"))),
              num(median(r.patch(), m -> field(m, "cpuMs"))),
              num(median(r.patch(), m -> field(m, "processCpuMs"))),
              num(median(r.patch(), Measure::heapMb)),
              num(median(r.select(), Measure::wallMs)),
              num(median(r.jayway(), Measure::wallMs))));
    }
    sb.append(
            "\nMachine quietness: before each measurement the bench waits up to "
                + QUIET_WAIT_MS / 1000
                + " s for the CPUs to be ≥ "
                + Math.round(QUIET_IDLE * 100)
                + "% idle over 0.5 s.\n\n")
        .append(
            "| size | load average at start | idle share seen (median, min) | waits timed out |\n")
        .append("|---:|---|---:|---:|\n");
    for (Row r : rows) {
      double[] idle = r.idle().stream().mapToDouble(Double::doubleValue).sorted().toArray();
      sb.append(
          String.format(
              Locale.ROOT,
              "| %.1f MB | %s | %s | %d of %d |\n",
              r.board().bytes() / 1e6,
              r.loadBefore(),
              idle.length == 0
                  ? "-"
                  : String.format(
                      Locale.ROOT, "%.0f%%, %.0f%%", 100 * idle[idle.length / 2], 100 * idle[0]),
              r.quietTimeouts(),
              idle.length));
    }
    Row big = rows.get(rows.size() - 1);
    for (Row r : rows) {
      if (Math.abs(r.board().bytes() / 1e6 - 100) < 20) {
        big = r;
      }
    }
    double sel = median(big.select(), Measure::ms);
    double jay = median(big.jayway(), Measure::ms);
    double jq = median(big.jq(), Measure::ms);
    double patch = median(big.patch(), Measure::ms);
    double copy = median(big.copy(), Measure::ms);
    double warmSel = warmTail(big.warm(), "selectMs");
    double warmJay = warmTail(big.warmJayway(), "jaywayMs");
    double warmPatch = warmTail(big.warm(), "patchMs");
    double warmSel64 = warmTail(big.warmSmallHeap(), "selectMs");
    double warmPatch64 = warmTail(big.warmSmallHeap(), "patchMs");
    sb.append(
            String.format(
                Locale.ROOT, "\nTargets, on the %.1f MB board:\n\n", big.board().bytes() / 1e6))
        .append(
            target(
                "selective read succeeds under -Xmx64m in every run",
                big.select().stream().allMatch(Measure::ok),
                big.select().stream().filter(Measure::ok).count() + "/" + big.select().size()))
        .append("\nIn one long-running JVM (the worker daemon; medians of the last ")
        .append(WARM_TAIL)
        .append(" iterations, the same heap as Jayway's; jq and copy+fsync as above):\n\n")
        .append(
            target(
                "selective ≥ 4× faster than Jayway",
                warmJay / warmSel >= 4,
                ratio(warmJay, warmSel)))
        .append(
            haveJq
                ? target("selective ≥ 6× faster than jq", jq / warmSel >= 6, ratio(jq, warmSel))
                : "- selective ≥ 6× faster than jq: not measured (no jq on PATH)\n")
        .append(
            target(
                "patch of a board read before ≤ 3× copy+fsync",
                warmPatch / copy <= 3,
                ratio(warmPatch, copy)))
        .append("\nThe same in a 64 MB heap: ")
        .append(ratio(warmJay, warmSel64))
        .append(" / ")
        .append(haveJq ? ratio(jq, warmSel64) : "n/a")
        .append(" / ")
        .append(ratio(warmPatch64, copy))
        .append(" (not a target condition; shown for operators who bound the heap).\n")
        .append("\nEach in a fresh JVM (one command-line call; class loading and JIT warm-up")
        .append(" included):\n\n")
        .append(target("selective ≥ 4× faster than Jayway", jay / sel >= 4, ratio(jay, sel)))
        .append(
            haveJq
                ? target("selective ≥ 6× faster than jq", jq / sel >= 6, ratio(jq, sel))
                : "- selective ≥ 6× faster than jq: not measured (no jq on PATH)\n")
        .append(
            target(
                "patch of a board read before ≤ 3× copy+fsync",
                patch / copy <= 3,
                ratio(patch, copy)));
    if (!problems.isEmpty()) {
      sb.append("\nPROBLEMS:\n\n");
      problems.forEach(p -> sb.append("- ").append(p.replace("\n", " / ")).append('\n'));
    }
    return sb.toString();
  }

  private static String target(String what, boolean met, String value) {
    return "- " + what + ": " + value + " — " + (met ? "met" : "**MISSED**") + "\n";
  }

  /** "first / median of the tail (thread CPU median)". */
  private static String warmCell(Measure m, String wallName, String cpuName) {
    return num(warmFirst(m, wallName))
        + " / "
        + num(warmTail(m, wallName))
        + " ("
        + num(warmTail(m, cpuName))
        + ")";
  }

  private static double warmFirst(Measure m, String name) {
    JsonNode values = m.raw() == null ? null : m.raw().get(name);
    return values == null || values.isEmpty() ? Double.NaN : values.get(0).asDouble();
  }

  /** Median of the last {@link #WARM_TAIL} iterations. */
  private static double warmTail(Measure m, String name) {
    JsonNode values = m.raw() == null ? null : m.raw().get(name);
    if (values == null || values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = new double[Math.min(WARM_TAIL, values.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = values.get(values.size() - v.length + i).asDouble();
    }
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double field(Measure m, String name) {
    return m.raw() == null ? Double.NaN : m.raw().path(name).asDouble(Double.NaN);
  }

  private static String failures(List<Measure> ms) {
    long failed = ms.stream().filter(m -> !m.ok()).count();
    return failed == 0 ? "" : " (" + failed + "/" + ms.size() + " FAILED)";
  }

  private static String spread(List<Measure> ms) {
    double[] v = ms.stream().filter(Measure::ok).mapToDouble(Measure::ms).sorted().toArray();
    return v.length == 0 ? "-" : num(v[0]) + "–" + num(v[v.length - 1]);
  }

  static double median(List<Measure> ms, Function<Measure, Double> value) {
    double[] v =
        ms.stream()
            .filter(Measure::ok)
            .map(value)
            .filter(d -> !d.isNaN())
            .mapToDouble(Double::doubleValue)
            .sorted()
            .toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.1f×", a / b);
  }

  private void problem(String message) {
    problems.add(message);
    System.err.println("!!!!!!!! " + message);
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static String environment() {
    String memory = "?";
    try {
      memory =
          Files.readAllLines(Path.of("/proc/meminfo")).stream()
              .filter(l -> l.startsWith("MemTotal:"))
              .findFirst()
              .map(l -> l.replaceAll("\\s+", " "))
              .orElse("?");
    } catch (IOException | RuntimeException e) {
      // not Linux: leave it out
    }
    return String.format(
        Locale.ROOT,
        "environment: %s, nproc=%d, %s, java %s (%s %s), os %s %s",
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        memory,
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"),
        System.getProperty("os.name"),
        System.getProperty("os.version"));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  private static void log(String message) {
    System.out.println(message);
    System.out.flush();
  }
}

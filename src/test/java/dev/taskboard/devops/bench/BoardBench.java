package dev.taskboard.devops.bench;

import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.task.Json;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The board benchmark. Run from the project root:
 *
 * <pre>{@code
 * mvn -B -q -DskipTests package test-compile && java -cp target/devops-worker.jar:target/test-classes dev.taskboard.devops.bench.BoardBench [--sizes 0.05,1.6,10,100] [--runs 15]
 * }</pre>
 *
 * <p>Generates boards of about 50 KB, 1.6 MB (the largest real board, claude-task-master's own), 10
 * MB and 100 MB, then measures, all in one run so that the figures compare: the worker's selective
 * read and one patch, warm (a long-running JVM, as the daemon reads: median of {@code --runs} after
 * a warm-up of at least as many calls and 3 s) and fresh (a new process per call, wall time of
 * {@code devops-worker board list} / {@code board patch} as an agent runs them), beside {@code jq}
 * and {@code python3} doing the same selection in a process each. The 100 MB board is also read and
 * patched in a JVM limited to {@code -Xmx64m}. Prints a markdown table; docs/benchmarks.md keeps
 * the results. A plain {@code main}: no JUnit, no JMH.
 */
public final class BoardBench {
  static final String JQ =
      "[.[] | select(.agent==\"DevOps-Engineer\" and .status==\"pending\" and"
          + " ((.type|test(\"^(deployment|infrastructure)_\")) or .type==\"monitoring_setup\"))]"
          + " | length";
  static final String PYTHON =
      "import json,re,sys\n"
          + "b=json.load(open(sys.argv[1],encoding='utf-8'))\n"
          + "r=re.compile(r'(deployment|infrastructure)_.*')\n"
          + "print(len([t for t in b if t.get('agent')=='DevOps-Engineer'"
          + " and t.get('status')=='pending' and isinstance(t.get('type'),str)"
          + " and (r.fullmatch(t['type']) or t['type']=='monitoring_setup')]))\n";
  private static final long SEED = 0x7A5CB0A2DL;

  private BoardBench() {}

  public static void main(String[] args) throws Exception {
    List<Double> sizes = List.of(0.05, 1.6, 10.0, 100.0);
    int runs = 15;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).map(Double::valueOf).toList();
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--child" -> {
          child(Path.of(args[++i]), args[++i]);
          return;
        }
        default -> {
          System.err.println("usage: BoardBench [--sizes 0.05,1.6,10,100] [--runs 15]");
          System.exit(2);
        }
      }
    }
    Path dir = Files.createTempDirectory("board-bench-");
    System.out.printf(
        "%s, %d cores, java %s; medians of %d%n%n",
        java.time.Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        runs);
    System.out.println(
        "| board | tasks | warm read | warm patch | fresh `board list` | fresh `board patch`"
            + " | jq | python3 | read ms/MB (warm) |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (double mb : sizes) {
      Path file = dir.resolve(String.format(Locale.ROOT, "board-%.2fMB.json", mb));
      BoardGenerator.Generated board = BoardGenerator.write(file, (long) (mb * 1_000_000), SEED);
      row(board, runs);
      if (mb >= 100) {
        System.out.println();
        System.out.println("100 MB in -Xmx64m: " + smallHeap(board.file()));
        System.out.println();
      }
    }
  }

  private static void row(BoardGenerator.Generated board, int runs) throws Exception {
    Path file = board.file();
    Board b = Board.at(file);
    TaskFilter filter = TaskFilter.defaultFilter();
    String id = board.matchIds().get(board.matchIds().size() / 2);
    double read = median(runs, () -> b.select(filter).size());
    int[] n = {0};
    double patch =
        median(
            runs,
            () -> {
              b.patch(id, Patch.empty().set("bench_round", Json.valueOf(Integer.toString(n[0]++))));
              return 1;
            });
    int freshRuns = Math.max(3, runs / 3);
    double freshList = wall(freshRuns, cli("board", "list", "--board", file.toString()));
    double freshPatch =
        wall(
            freshRuns,
            cli("board", "patch", id, "--board", file.toString(), "--set", "bench_cli=1"));
    double jq = onPath("jq") ? wall(freshRuns, List.of("jq", JQ, file.toString())) : Double.NaN;
    Path py = Files.writeString(file.resolveSibling("select.py"), PYTHON);
    double python = wall(freshRuns, List.of("python3", py.toString(), file.toString()));
    double mb = board.bytes() / 1e6;
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %s | %s | %s | %s | %s | %s | %.2f |%n",
        size(board.bytes()),
        board.tasks(),
        ms(read),
        ms(patch),
        ms(freshList),
        ms(freshPatch),
        ms(jq),
        ms(python),
        read / mb);
  }

  /** The 100 MB board read and patched in a JVM with a 64 MB heap: its times and peak heap. */
  private static String smallHeap(Path file) throws Exception {
    List<String> command = new ArrayList<>(java());
    command.add(1, "-Xmx64m");
    command.addAll(List.of(BoardBench.class.getName(), "--child", file.toString(), "x"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    return p.waitFor() == 0 ? out : "FAILED (exit " + p.exitValue() + "): " + out;
  }

  /** In the -Xmx64m child: one read and one patch, with the heap's peak. */
  private static void child(Path file, String ignored) throws IOException {
    Board b = Board.at(file);
    long t0 = System.nanoTime();
    List<?> tasks = b.select(TaskFilter.defaultFilter());
    long t1 = System.nanoTime();
    String id = ((dev.taskboard.devops.board.Task) tasks.get(0)).id();
    b.patch(id, Patch.empty().set("bench_small_heap", Json.valueOf("1")));
    long t2 = System.nanoTime();
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "read %s (%d tasks selected), patch %s, peak heap %.1f MB%n",
        ms((t1 - t0) / 1e6),
        tasks.size(),
        ms((t2 - t1) / 1e6),
        peak / 1e6);
  }

  interface Op {
    int run() throws Exception;
  }

  /** How long a warm figure's code runs before it is timed: until the JIT has compiled it. */
  private static final long WARM_UP_NANOS = 3_000_000_000L;

  /**
   * Median milliseconds of {@code runs} calls, after warming up for at least as many calls and
   * {@link #WARM_UP_NANOS}: a daemon reads the board thousands of times, so "warm" means the code
   * the JIT compiled. A warm-up of a few calls alone leaves a 1.6 MB read partly interpreted (13–17
   * ms instead of 3 ms, measured on this machine).
   */
  private static double median(int runs, Op op) throws Exception {
    long warmUntil = System.nanoTime() + WARM_UP_NANOS;
    for (int i = 0; i < runs || System.nanoTime() < warmUntil; i++) {
      op.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      op.run();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }

  /** Median wall milliseconds of {@code runs} processes of {@code command}. */
  private static double wall(int runs, List<String> command) throws Exception {
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(command + " failed");
      }
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }

  /** A one-shot command as bin/devops-worker starts it (quick compiler only). */
  private static List<String> cli(String... args) {
    List<String> command = new ArrayList<>(java());
    command.add(1, "-XX:TieredStopAtLevel=1");
    command.add("dev.taskboard.devops.cli.Main");
    command.addAll(List.of(args));
    return command;
  }

  private static List<String> java() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  private static String ms(double ms) {
    if (Double.isNaN(ms)) {
      return "—";
    }
    return ms < 10
        ? String.format(Locale.ROOT, "%.2f ms", ms)
        : String.format(Locale.ROOT, "%.0f ms", ms);
  }

  private static String size(long bytes) {
    return bytes < 1_000_000
        ? String.format(Locale.ROOT, "%.0f KB", bytes / 1e3)
        : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}

package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Json;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskFilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * One measurement in a fresh JVM, started by {@link BoardBench}. Times the operation itself with
 * {@link System#nanoTime()} (JVM start excluded; class loading and JIT warm-up of a cold process
 * included) and prints one JSON line: {@code {"op":..,"ms":..,"heapMb":..,...}}.
 *
 * <p>Usage: {@code BenchChild select|jayway FILE}, {@code BenchChild patch|parts FILE ID WORKDIR},
 * {@code BenchChild copy FILE WORKDIR}, {@code BenchChild warm FILE ID WORKDIR N}, {@code
 * BenchChild warm-jayway FILE N}.
 */
public final class BenchChild {
  private static final double MB = 1024.0 * 1024.0;

  private BenchChild() {}

  public static void main(String[] args) throws Exception {
    String op = args[0];
    Path file = Path.of(args[1]);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("op", op);
    switch (op) {
      case "select" -> select(file, out);
      case "jayway" -> jayway(file, out);
      case "patch" -> patch(file, args[2], Path.of(args[3]), args[4].equals("read-before"), out);
      case "prime" -> Board.at(file).select(TaskFilter.defaultFilter());
      case "copy" -> copy(file, Path.of(args[2]), out);
      case "parts" -> parts(file, args[2], Path.of(args[3]), out);
      case "warm" -> warm(file, args[2], Path.of(args[3]), Integer.parseInt(args[4]), out);
      case "warm-jayway" -> warmJayway(file, Integer.parseInt(args[2]), out);
      default -> throw new IllegalArgumentException("unknown op " + op);
    }
    System.out.println(Json.compact(out));
  }

  private static void select(Path file, ObjectNode out) throws IOException {
    resetPeaks();
    long t0 = System.nanoTime();
    List<Task> matches = Board.at(file).select(TaskFilter.defaultFilter());
    long t1 = System.nanoTime();
    record(out, t0, t1);
    out.put("count", matches.size());
  }

  private static void jayway(Path file, ObjectNode out) throws IOException {
    resetPeaks();
    long t0 = System.nanoTime();
    Configuration conf =
        Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(Json.MAPPER))
            .mappingProvider(new JacksonMappingProvider(Json.MAPPER))
            .build();
    Object result =
        JsonPath.using(conf).parse(file.toFile()).read("$" + TaskFilter.DEFAULT_EXPRESSION);
    long t1 = System.nanoTime();
    record(out, t0, t1);
    out.put("count", conf.jsonProvider().length(result));
  }

  /**
   * One patch in this fresh JVM. {@code readBefore}: another process (as a worker's selective read
   * or an agent's {@code board list} would) read the board first, so its index is on disk; else the
   * patch scans the whole board.
   */
  private static void patch(Path file, String id, Path workDir, boolean readBefore, ObjectNode out)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(workDir, "patch-");
    try {
      Path board = dir.resolve("tasks.json");
      copyAndSync(file, board); // outside the timing
      if (readBefore) {
        Process prime =
            new ProcessBuilder(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    BenchChild.class.getName(),
                    "prime",
                    board.toString())
                .inheritIO()
                .start();
        if (prime.waitFor() != 0) {
          throw new IOException("the read before the patch failed");
        }
      }
      long before = Files.size(board);
      resetPeaks();
      long t0 = System.nanoTime();
      Task written =
          Board.at(board)
              .patch(
                  id,
                  Patch.empty()
                      .set("status", Json.valueOf("in_progress"))
                      .expect("status", Json.valueOf("pending")));
      long t1 = System.nanoTime();
      record(out, t0, t1);
      long grew = Files.size(board) - before;
      boolean ok = written.text("status").equals("in_progress") && grew == 4;
      out.put("count", ok ? 1 : 0);
      if (!ok) {
        out.put("error", "patch wrote status " + written.text("status") + ", size +" + grew);
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static void copy(Path file, Path workDir, ObjectNode out) throws IOException {
    Path dir = Files.createTempDirectory(workDir, "copy-");
    try {
      resetPeaks();
      long t0 = System.nanoTime();
      copyAndSync(file, dir.resolve("copy.json"));
      long t1 = System.nanoTime();
      record(out, t0, t1);
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Where a patch's time goes, with public API only, one step after the other in one JVM (so later
   * steps run with a warmer JIT than a cold patch): the full read a patch does ({@code get}: scan
   * without a filter), the checksum re-read before the rename, the copy+fsync of the temp file, and
   * finally a whole patch.
   */
  private static void parts(Path file, String id, Path workDir, ObjectNode out) throws IOException {
    Path dir = Files.createTempDirectory(workDir, "parts-");
    try {
      Path board = dir.resolve("tasks.json");
      copyAndSync(file, board);

      long t0 = System.nanoTime();
      Board.at(board).get(id);
      long t1 = System.nanoTime();
      out.put("scanMs", ms(t0, t1));

      t0 = System.nanoTime();
      CRC32C crc = new CRC32C();
      try (InputStream in = new CheckedInputStream(Files.newInputStream(board), crc)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      t1 = System.nanoTime();
      out.put("crcMs", ms(t0, t1));

      t0 = System.nanoTime();
      copyAndSync(board, dir.resolve("temp.json"));
      t1 = System.nanoTime();
      out.put("copyMs", ms(t0, t1));

      t0 = System.nanoTime();
      Board.at(board).get(id);
      t1 = System.nanoTime();
      out.put("scanWarmMs", ms(t0, t1));

      t0 = System.nanoTime();
      Board.at(board)
          .patch(
              id,
              Patch.empty()
                  .set("status", Json.valueOf("in_progress"))
                  .expect("status", Json.valueOf("pending")));
      t1 = System.nanoTime();
      out.put("patchWarmMs", ms(t0, t1));
      out.put("ms", ms(t0, t1));

      // A second patch (putting the status back) shows the cost once the write path is loaded too.
      t0 = System.nanoTime();
      Board.at(board)
          .patch(
              id,
              Patch.empty()
                  .set("status", Json.valueOf("pending"))
                  .expect("status", Json.valueOf("in_progress")));
      t1 = System.nanoTime();
      out.put("patchAgainMs", ms(t0, t1));
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * The same operations repeated in one JVM, as a long-running worker would run them: a selective
   * read and a patch (toggling the status back and forth on a private copy) per iteration.
   */
  private static void warm(Path file, String id, Path workDir, int iterations, ObjectNode out)
      throws IOException {
    Path dir = Files.createTempDirectory(workDir, "warm-");
    try {
      Path copy = dir.resolve("tasks.json");
      copyAndSync(file, copy);
      Board board = Board.at(copy);
      ArrayNode select = out.putArray("selectMs");
      ArrayNode selectCpu = out.putArray("selectCpuMs");
      ArrayNode patch = out.putArray("patchMs");
      ArrayNode patchCpu = out.putArray("patchCpuMs");
      var threads = ManagementFactory.getThreadMXBean();
      for (int i = 0; i < iterations; i++) {
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        int n = board.select(TaskFilter.defaultFilter()).size();
        long t1 = System.nanoTime();
        long c1 = threads.getCurrentThreadCpuTime();
        select.add(ms(t0, t1));
        selectCpu.add(ms(c0, c1));
        // The index write and backup removal run after a call returns; a daemon's reads and
        // writes are spaced by the board's changes, so let them finish outside the timing.

        out.put("count", n);
        String from = i % 2 == 0 ? "pending" : "in_progress";
        String to = i % 2 == 0 ? "in_progress" : "pending";
        c0 = threads.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        board.patch(
            id, Patch.empty().set("status", Json.valueOf(to)).expect("status", Json.valueOf(from)));
        t1 = System.nanoTime();
        c1 = threads.getCurrentThreadCpuTime();
        patch.add(ms(t0, t1));
        patchCpu.add(ms(c0, c1));
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** Jayway's whole-document read repeated in one JVM. */
  private static void warmJayway(Path file, int iterations, ObjectNode out) throws IOException {
    Configuration conf =
        Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(Json.MAPPER))
            .mappingProvider(new JacksonMappingProvider(Json.MAPPER))
            .build();
    ArrayNode jayway = out.putArray("jaywayMs");
    ArrayNode jaywayCpu = out.putArray("jaywayCpuMs");
    var threads = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < iterations; i++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      Object result =
          JsonPath.using(conf).parse(file.toFile()).read("$" + TaskFilter.DEFAULT_EXPRESSION);
      long t1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      jayway.add(ms(t0, t1));
      jaywayCpu.add(ms(c0, c1));
      out.put("count", conf.jsonProvider().length(result));
    }
  }

  /** FileChannel.transferTo into a new file, then force(true). */
  static void copyAndSync(Path from, Path to) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel dst =
            FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long size = in.size();
      long done = 0;
      while (done < size) {
        long n = in.transferTo(done, size - done, dst);
        if (n <= 0) {
          throw new IOException(from + " shrank while being copied");
        }
        done += n;
      }
      dst.force(true);
    }
  }

  private static long threadCpu0;
  private static long processCpu0;

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    threadCpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    processCpu0 = processCpu();
  }

  /** CPU time of the whole process (all threads: JIT compilers and GC included), in ns. */
  private static long processCpu() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  private static void record(ObjectNode out, long t0, long t1) {
    long threadCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - threadCpu0;
    long processCpu = processCpu() - processCpu0;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    out.put("ms", ms(t0, t1));
    out.put("cpuMs", ms(0, threadCpu));
    out.put("processCpuMs", ms(0, processCpu));
    out.put("heapMb", Math.round(peak / MB * 10) / 10.0);
    out.put("maxHeapMb", Math.round(Runtime.getRuntime().maxMemory() / MB * 10) / 10.0);
  }

  private static double ms(long t0, long t1) {
    return Math.round((t1 - t0) / 1e5) / 10.0;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

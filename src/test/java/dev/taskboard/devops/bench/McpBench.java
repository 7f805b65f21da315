package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How long an agent waits for {@code task_status} on a board of claude-task-master's size: through
 * one running {@code devops-worker mcp} (the SDK's own stdio client, round trip included), beside
 * the same look-up as a fresh {@code jq} process per call and as a fresh JVM per call ({@code board
 * get}, what agents did before). A plain {@code main}; prints a markdown table.
 *
 * <pre>
 * mvn -B -q -DskipTests package test-compile &amp;&amp; java -cp target/devops-worker.jar:target/test-classes \
 *   dev.taskboard.devops.bench.McpBench [--calls 200] [--jvm-calls 20] [--bytes 1600000] [--c1]
 * </pre>
 */
public final class McpBench {
  private static final Duration BOUND = Duration.ofSeconds(120);
  private static final int WARMUP = 20;
  private static final int LOOKED_UP = 10;

  private McpBench() {}

  public static void main(String[] args) throws Exception {
    int calls = intArg(args, "--calls", 200);
    int jvmCalls = intArg(args, "--jvm-calls", 20);
    long bytes = intArg(args, "--bytes", 1_600_000);
    boolean c1 = List.of(args).contains("--c1");
    Path dir = Files.createTempDirectory("mcp-bench");
    Path board = dir.resolve("tasks.json");
    BoardGenerator.Generated generated = BoardGenerator.write(board, bytes, 42);
    Files.copy(Path.of("deployment.md"), dir.resolve("deployment.md"));
    List<String> ids = spread(generated);

    List<Double> first = new ArrayList<>();
    List<Double> mcp = overMcp(dir, board, ids, calls, c1, first);
    List<Double> jq = perProcess(ids, calls, id -> List.of("jq", jqFilter(id), board.toString()));
    List<Double> jvm =
        perProcess(
            ids,
            jvmCalls,
            id ->
                List.of(
                    java(),
                    "-XX:TieredStopAtLevel=1",
                    "-jar",
                    "target/devops-worker.jar",
                    "board",
                    "get",
                    id,
                    "--board",
                    board.toString()));

    System.out.printf(
        Locale.ROOT,
        "board: %d bytes, %d tasks (BoardGenerator, seed 42); ids looked up: %d spread over the"
            + " board; %d cores; server JIT: %s%n%n",
        generated.bytes(),
        generated.tasks(),
        ids.size(),
        Runtime.getRuntime().availableProcessors(),
        c1 ? "C1 only" : "C1+C2");
    System.out.println("| look-up of one task | calls | p50 | p99 | min | max |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    row("`task_status` through one running `devops-worker mcp` (SDK client, round trip)", mcp);
    row("`jq '.[] \\| select(.id==\"X\")'`, a fresh process per call", jq);
    row("`devops-worker board get X`, a fresh JVM per call (`-XX:TieredStopAtLevel=1`)", jvm);
    System.out.printf(
        Locale.ROOT,
        "%nfirst task_status after initialize: %.1f ms (not in the percentiles; %d warm-up calls"
            + " were not counted either)%n",
        first.get(0),
        WARMUP);
  }

  private static List<Double> overMcp(
      Path dir, Path board, List<String> ids, int calls, boolean c1, List<Double> first) {
    List<String> command = new ArrayList<>();
    if (c1) {
      command.add("-XX:TieredStopAtLevel=1");
    }
    command.addAll(
        List.of(
            "-cp",
            "target/devops-worker.jar",
            "dev.taskboard.devops.cli.Main",
            "mcp",
            "--board",
            board.toString(),
            "--runbook",
            dir.resolve("deployment.md").toString()));
    ServerParameters server = ServerParameters.builder(java()).args(command).build();
    StdioClientTransport transport =
        new StdioClientTransport(server, new JacksonMcpJsonMapper(new ObjectMapper()));
    transport.setStdErrorHandler(line -> {}); // one log line per call; not the benchmark's
    McpSyncClient client =
        McpClient.sync(transport).requestTimeout(BOUND).initializationTimeout(BOUND).build();
    try {
      client.initialize();
      first.add(timed(client, ids.get(0)));
      for (int i = 0; i < WARMUP; i++) {
        timed(client, ids.get(i % ids.size()));
      }
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        ms.add(timed(client, ids.get(i % ids.size())));
      }
      return ms;
    } finally {
      client.closeGracefully();
    }
  }

  private static double timed(McpSyncClient client, String id) {
    long start = System.nanoTime();
    CallToolResult result = client.callTool(new CallToolRequest("task_status", Map.of("id", id)));
    double ms = (System.nanoTime() - start) / 1e6;
    String text = ((TextContent) result.content().get(0)).text();
    if (Boolean.TRUE.equals(result.isError()) || !text.contains("\"id\":\"" + id + "\"")) {
      throw new IllegalStateException("task_status " + id + " answered: " + text);
    }
    return ms;
  }

  private interface CommandFor {
    List<String> of(String id);
  }

  private static List<Double> perProcess(List<String> ids, int calls, CommandFor command)
      throws IOException, InterruptedException {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      String id = ids.get(i % ids.size());
      long start = System.nanoTime();
      Process p =
          new ProcessBuilder(command.of(id))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      if (!p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(command.of(id) + " failed");
      }
      ms.add((System.nanoTime() - start) / 1e6);
    }
    return ms;
  }

  /** Ids of tasks at even intervals through the board, the last one near its end. */
  private static List<String> spread(BoardGenerator.Generated generated) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= LOOKED_UP; i++) {
      ids.add(BoardGenerator.id(Math.max(1, generated.tasks() * i / LOOKED_UP)));
    }
    return ids;
  }

  private static String jqFilter(String id) {
    return ".[] | select(.id==\"" + id + "\")";
  }

  private static void row(String what, List<Double> ms) {
    List<Double> sorted = ms.stream().sorted().toList();
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n",
        what,
        sorted.size(),
        DaemonBench.pct(sorted, 50),
        DaemonBench.pct(sorted, 99),
        sorted.get(0),
        sorted.get(sorted.size() - 1));
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}

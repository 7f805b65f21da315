package dev.taskboard.devops.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tool calls arriving on many threads at once, as the SDK hands them over. */
class ConcurrentCallsTest {
  private static final int THREADS = 4;
  private static final int CALLS_PER_THREAD = 6;

  @TempDir Path dir;

  @Test
  void requestDeployment_manyParallelCalls_everyTaskOnTheBoardWithItsOwnId() throws Exception {
    McpFixture f = new McpFixture(dir);
    Tools tools = new Tools(new Toolbox(f.config(Clock.systemUTC())));
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<List<CallToolResult>>> calls = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        calls.add(pool.submit(() -> requests(tools, start, thread)));
      }
      start.countDown();
      Set<String> ids = new HashSet<>();
      Set<String> titles = new HashSet<>();
      for (Future<List<CallToolResult>> call : calls) {
        for (CallToolResult result : call.get(120, TimeUnit.SECONDS)) {
          ids.add(Json.parse(ToolsTest.ok(result)).path("id").asText());
        }
      }

      assertEquals(THREADS * CALLS_PER_THREAD, ids.size(), "ids returned: " + ids);
      JsonNode board = Json.MAPPER.readTree(f.board.toFile());
      assertEquals(6 + THREADS * CALLS_PER_THREAD, board.size());
      for (JsonNode task : board) {
        if (ids.contains(task.path("id").asText())) {
          titles.add(task.path("payload").path("title").asText());
        }
      }
      assertEquals(THREADS * CALLS_PER_THREAD, titles.size(), "a request was lost or doubled");
      assertTrue(titles.contains("Request 3/5"), titles.toString());
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    }
  }

  private static List<CallToolResult> requests(Tools tools, CountDownLatch start, int thread)
      throws InterruptedException {
    start.await();
    List<CallToolResult> results = new ArrayList<>();
    for (int i = 0; i < CALLS_PER_THREAD; i++) {
      results.add(
          tools.call(
              Tools.REQUEST_DEPLOYMENT,
              Map.of(
                  "type",
                  "monitoring_setup",
                  "title",
                  "Request " + thread + "/" + i,
                  "depends_on",
                  List.of("TASK-004"))));
    }
    return results;
  }
}

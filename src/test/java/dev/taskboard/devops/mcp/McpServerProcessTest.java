package dev.taskboard.devops.mcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.InitializeResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server — {@code devops-worker mcp} in its own JVM — driven over stdio by the SDK's own
 * client, on a real board. One server for the class, as an agent keeps one for a session; each test
 * works on tasks the others leave alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpServerProcessTest {
  private static final Duration BOUND = Duration.ofSeconds(90);

  private Path dir;
  private McpFixture f;
  private McpSyncClient client;
  private InitializeResult initialized;

  @BeforeAll
  void startServer(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    f = new McpFixture(dir);
    ServerParameters server =
        ServerParameters.builder(ServerProcess.java())
            .args(ServerProcess.arguments(f.options()))
            .env(TestEnv.in(dir))
            .build();
    StdioClientTransport transport =
        new StdioClientTransport(server, new JacksonMcpJsonMapper(new ObjectMapper())) {
          @Override
          protected ProcessBuilder getProcessBuilder() {
            ProcessBuilder pb = new ProcessBuilder().directory(dir.toFile());
            TestEnv.apply(pb, dir);
            return pb;
          }
        };
    client = McpClient.sync(transport).requestTimeout(BOUND).initializationTimeout(BOUND).build();
    initialized = client.initialize();
  }

  @AfterAll
  void stopServer() {
    if (client != null) {
      client.closeGracefully();
    }
  }

  @Test
  void initializeAndToolsList_exactlyTheFiveTools_noneApproves() {
    assertEquals("devops-worker", initialized.serverInfo().name());
    List<Tool> tools = client.listTools().tools();

    assertEquals(
        Set.of("request_deployment", "task_status", "list_tasks", "plan_task", "requeue_task"),
        tools.stream().map(Tool::name).collect(Collectors.toSet()));
    assertEquals(5, tools.size());
    for (Tool tool : tools) {
      @SuppressWarnings("unchecked")
      Map<String, Object> arguments = (Map<String, Object>) tool.inputSchema().get("properties");
      String names = tool.name() + " " + arguments.keySet();
      assertFalse(names.matches("(?is).*(approv|reject|waive).*"), names);
      assertEquals(false, tool.inputSchema().get("additionalProperties"), tool.name());
    }
  }

  @Test
  void requestDeployment_addsTheTask_everyOtherByteOfTheBoardKept() throws IOException {
    String before = Files.readString(f.board);

    JsonNode added =
        ok(
            "request_deployment",
            Map.of(
                "type", "deployment_rollback",
                "title", "Roll staging back to 1.2.0",
                "release", "1.2.0",
                "depends_on", List.of("TASK-001")));

    assertEquals("TASK-007", added.path("id").asText());
    JsonNode task = f.task("TASK-007");
    assertEquals("deployment_rollback", task.path("type").asText());
    assertEquals("pending", task.path("status").asText());
    assertEquals("DevOps-Engineer", task.path("agent").asText());
    assertEquals(task.path("created_at"), task.path("updated_at"));
    Instant.parse(task.path("created_at").asText());
    assertEquals("Roll staging back to 1.2.0", task.path("payload").path("title").asText());
    String after = Files.readString(f.board);
    String throughLastTask = before.substring(0, before.lastIndexOf('}') + 1);
    assertTrue(after.startsWith(throughLastTask + ",\n  {\n    \"id\": \"TASK-007\""), after);
    assertTrue(after.endsWith("\n  }\n]\n"), after);
  }

  @Test
  void taskStatus_blockedTask_givesMessageAndTheOpenQuestion() {
    JsonNode status = ok("task_status", Map.of("id", "TASK-003"));

    assertEquals("blocked", status.path("status").asText());
    assertEquals("Waiting for approval in HITL-001.", status.path("message").asText());
    assertEquals("HITL-001", status.path("open_question").path("id").asText());
    assertTrue(
        status
            .path("open_question")
            .path("answers")
            .asText()
            .startsWith("a signed decision: devops-worker approve"),
        status.toString());
  }

  @Test
  void listTasks_blocked_givesOnlyTheBlockedTask() {
    JsonNode list = ok("list_tasks", Map.of("status", "blocked"));

    assertEquals(1, list.path("count").asInt());
    assertEquals("TASK-003", list.path("tasks").path(0).path("id").asText());
  }

  @Test
  void planTask_givesTheDryRun() {
    CallToolResult result = call("plan_task", Map.of("id", "TASK-004"));

    assertFalse(result.isError(), () -> ToolsTest.text(result));
    String plan = ToolsTest.text(result);
    assertTrue(plan.startsWith("TASK-004 deployment_staging (pending"), plan);
    assertTrue(plan.endsWith("nothing was executed.\n"), plan);
  }

  @Test
  void requeueTask_failedTask_pendingWithNewerUpdatedAt() throws IOException {
    Instant before = Instant.parse(f.task("TASK-002").path("updated_at").asText());

    JsonNode requeued =
        ok("requeue_task", Map.of("id", "TASK-002", "reason", "the 503 was the load balancer"));

    JsonNode task = f.task("TASK-002");
    assertEquals("pending", task.path("status").asText());
    assertEquals(requeued.path("updated_at"), task.path("updated_at"));
    assertTrue(Instant.parse(task.path("updated_at").asText()).isAfter(before), task.toString());
    assertEquals(
        "the 503 was the load balancer",
        task.path("requeue_requests").path(0).path("reason").asText());
    assertEquals("mcp", task.path("requeue_requests").path(0).path("by").asText());
  }

  @Test
  void refusals_areErrorResults_boardUntouched_serverGoesOn() throws IOException {
    assertRefused(
        "request_deployment",
        Map.of("type", "code_review", "title", "x"),
        "type: devops-worker does not run code_review tasks;");
    assertRefused(
        "request_deployment",
        Map.of("type", "infrastructure_scale", "title", "x"),
        "type: the runbook " + f.runbook + " has no section for infrastructure_scale;");
    assertRefused(
        "requeue_task",
        Map.of("id", "TASK-001", "reason", "again"),
        "id: task TASK-001 is not the worker's (agent \"Task-Coder\"");
    assertRefused(
        "request_deployment",
        Map.of("type", "monitoring_setup", "title", "t".repeat(10_000)),
        "title: 10000 characters, at most 200 are allowed;");

    // still serving after them all
    assertEquals("blocked", ok("task_status", Map.of("id", "TASK-003")).path("status").asText());
  }

  private void assertRefused(String tool, Map<String, Object> args, String messageStart)
      throws IOException {
    byte[] board = f.boardBytes();
    CallToolResult result = call(tool, args);
    assertTrue(result.isError(), () -> ToolsTest.text(result));
    String text = ToolsTest.text(result);
    assertTrue(text.startsWith(messageStart), text);
    assertFalse(text.contains("\n") || text.contains("Exception"), text);
    assertArrayEquals(board, f.boardBytes(), tool + " wrote to the board while refusing");
  }

  private JsonNode ok(String tool, Map<String, Object> args) {
    try {
      return Json.parse(ToolsTest.ok(call(tool, args)));
    } catch (IOException e) {
      throw new AssertionError(tool + " did not answer JSON", e);
    }
  }

  private CallToolResult call(String tool, Map<String, Object> args) {
    return client.callTool(new CallToolRequest(tool, args));
  }
}

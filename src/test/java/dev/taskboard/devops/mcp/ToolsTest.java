package dev.taskboard.devops.mcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.worker.Plan;
import dev.taskboard.devops.worker.Requeue;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each tool in process, on real files, with a fixed clock: results, refusals, bytes on disk. */
class ToolsTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path dir;
  private McpFixture f;
  private Tools tools;

  @BeforeEach
  void setUp() throws IOException {
    f = new McpFixture(dir);
    tools = new Tools(new Toolbox(f.config(Clock.fixed(NOW, ZoneOffset.UTC))));
  }

  @Test
  void requestDeployment_addsPendingTaskForTheWorker_everyOtherByteKept() throws IOException {
    String before = Files.readString(f.board);

    CallToolResult result =
        tools.call(
            Tools.REQUEST_DEPLOYMENT,
            args(
                """
                {"type": "deployment_staging", "title": "Deploy 1.5.0 to staging",
                 "release": "1.5.0", "description": "New greeting.\\nSecond line.",
                 "depends_on": ["TASK-004"], "evidence": {"code_review": "approved"},
                 "evidence_tasks": ["TASK-001"]}
                """));

    assertEquals(
        "{\"id\":\"TASK-007\",\"status\":\"pending\",\"message\":\"requested: the worker takes it"
            + " when its dependencies are done; follow it with task_status\"}",
        ok(result));
    assertEquals(
        Json.parse(
            """
            {"id": "TASK-007", "type": "deployment_staging", "status": "pending",
             "agent": "DevOps-Engineer", "created_at": "2026-12-01T12:00:00Z",
             "updated_at": "2026-12-01T12:00:00Z", "depends_on": ["TASK-004"],
             "payload": {"title": "Deploy 1.5.0 to staging",
                         "description": "New greeting.\\nSecond line.", "release": "1.5.0",
                         "gates": {"code_review": "approved"}, "evidence_tasks": ["TASK-001"],
                         "requested_via": "mcp"}}
            """),
        f.task("TASK-007"));
    String after = Files.readString(f.board);
    String lastTaskEnd = before.substring(0, before.lastIndexOf('}') + 1);
    assertTrue(after.startsWith(lastTaskEnd + ",\n  {\n    \"id\": \"TASK-007\""), after);
    assertTrue(after.endsWith("\n  }\n]\n"), after);
  }

  @Test
  void requestDeployment_typeTheWorkerDoesNotRun_refusedNamingTheType() throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"feature_development\", \"title\": \"x\"}",
        "type: devops-worker does not run feature_development tasks; request deployment_staging,"
            + " deployment_production, deployment_rollback, infrastructure_<something> or"
            + " monitoring_setup");
  }

  @Test
  void requestDeployment_typeWithoutRunbookSection_refusedNamingTheSectionsThereAre()
      throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"infrastructure_scale\", \"title\": \"More replicas\"}",
        "type: the runbook "
            + f.runbook
            + " has no section for infrastructure_scale; ask a human to add a \"##"
            + " infrastructure_scale\" section, or request a type it has: deployment_staging,"
            + " deployment_production, deployment_rollback, infrastructure_update,"
            + " monitoring_setup");
  }

  @Test
  void requestDeployment_noRunbook_refusedSayingSo() throws IOException {
    Files.delete(f.runbook);

    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"monitoring_setup\", \"title\": \"Dashboards\"}",
        "type: the runbook "
            + f.runbook
            + " does not exist, so no type can run; ask a human to write it (devops-worker init"
            + " creates a template)");
  }

  @Test
  void requestDeployment_oversizedTitle_refusedNamingTheLimit() throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"monitoring_setup\", \"title\": \"" + "é".repeat(201) + "\"}",
        "title: 201 characters, at most 200 are allowed; shorten it (details go in description)");
  }

  @Test
  void requestDeployment_deploymentWithoutRelease_refused() throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"deployment_production\", \"title\": \"Ship it\"}",
        "release: missing; a deployment_production deploys a release, give its name, like"
            + " \"1.4.0\"");
  }

  @Test
  void requestDeployment_releaseWithShellCharacters_refused() throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"deployment_staging\", \"title\": \"x\", \"release\": \"1.0 $(id)\"}",
        "release: \"1.0 $(id)\" is not a release name; use letters, digits and . _ + - (starting"
            + " with a letter or digit), like \"1.4.0\" or \"2026.12.1-rc.2\"");
  }

  @Test
  void requestDeployment_controlCharacterInTitle_refused() throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"monitoring_setup\", \"title\": \"a\\u001b[2Jb\"}",
        "title: has a control character or line break; give one line of plain text");
  }

  @Test
  void requestDeployment_dependencyNotOnBoard_refusedNamingIt() throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"monitoring_setup\", \"title\": \"x\", \"depends_on\": [\"TASK-004\","
            + " \"TASK-999\"]}",
        "depends_on[1]: no task \"TASK-999\" on the board; name tasks that exist (list_tasks"
            + " shows the worker's)");
  }

  @Test
  void requestDeployment_tooManyDependencies_refused() throws IOException {
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < 51; i++) {
      ids.append(i == 0 ? "" : ",").append("\"T-").append(i).append('"');
    }
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"monitoring_setup\", \"title\": \"x\", \"depends_on\": [" + ids + "]}",
        "depends_on: 51 ids, at most 50 are allowed; name fewer");
  }

  @Test
  void requestDeployment_idWithFormatCharacter_refused() throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"monitoring_setup\", \"title\": \"x\", \"depends_on\": [\"TASK\\u202e-004\"]}",
        "depends_on[0]: has a control or format character; ids are plain text, like"
            + " \"TASK-007\"");
  }

  @Test
  void requestDeployment_evidenceWithBadCheckName_refused() throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"monitoring_setup\", \"title\": \"x\", \"evidence\": {\"Unit Tests\": true}}",
        "evidence: \"Unit Tests\" is not a check name; use the gate's check names, like"
            + " \"unit_tests\" or \"code_review\"");
  }

  @Test
  void requestDeployment_evidenceNestedTooDeep_refused() throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"monitoring_setup\", \"title\": \"x\", \"evidence\": {\"performance\":"
            + " {\"a\": {\"b\": {\"c\": {\"d\": 1}}}}}}",
        "evidence.performance: nested deeper than 4 levels; flatten the evidence");
  }

  @Test
  void anyTool_unknownArgument_refusedListingTheArgumentsItTakes() throws IOException {
    assertRefused(
        Tools.REQUEST_DEPLOYMENT,
        "{\"type\": \"monitoring_setup\", \"title\": \"x\", \"approved\": true}",
        "unknown argument \"approved\"; this tool takes depends_on, description, evidence,"
            + " evidence_tasks, release, title, type");
  }

  @Test
  void anyTool_argumentOfTheWrongType_refused() throws IOException {
    assertRefused(Tools.TASK_STATUS, "{\"id\": 7}", "id: must be a string, not NUMBER");
  }

  @Test
  void anyTool_oversizedId_refused() throws IOException {
    assertRefused(
        Tools.TASK_STATUS,
        "{\"id\": \"" + "x".repeat(256) + "\"}",
        "id: 256 bytes, at most 255 are allowed; give a task's id, like \"TASK-007\"");
  }

  @Test
  void taskStatus_failedTask_givesMessageGatesAndLogTail() throws IOException {
    String text = ok(tools.call(Tools.TASK_STATUS, args("{\"id\": \"TASK-002\"}")));

    assertEquals(
        Json.parse(
            """
            {"id": "TASK-002", "type": "deployment_staging", "status": "failed",
             "agent": "DevOps-Engineer", "runs_on_worker": true,
             "title": "Deploy 1.3.0 to staging", "release": "1.3.0",
             "updated_at": "2026-11-20T10:00:00Z", "result_status": "failure",
             "message": "Verification failed after 3 attempts; rolled back.",
             "gates": [
               {"check": "unit_tests", "verdict": "pass", "evidence": "TASK-010: 180/180 passed"},
               {"check": "code_review", "verdict": "inconclusive", "evidence": "no review found"}],
             "open_question": null,
             "log_tail": ["deploy: release 1.3.0", "verify: HTTP 503", "rollback: current -> 1.2.0"],
             "log": ".plan/devops/logs/TASK-002/attempt-3.log"}
            """),
        Json.parse(text));
  }

  @Test
  void taskStatus_blockedTask_givesTheOpenQuestionAndTheAnswersItTakes() throws IOException {
    JsonNode status = Json.parse(ok(tools.call(Tools.TASK_STATUS, args("{\"id\": \"TASK-003\"}"))));

    assertEquals(
        Json.parse(
            "{\"id\": \"HITL-001\", \"title\": \"Approve production deployment of release 1.2.0"
                + " (TASK-003)\", \"question\": \"Deploy release 1.2.0 to production now? Answer"
                + " approve or reject.\", \"answers\": \"a signed decision: devops-worker approve ID"
                + " to deploy, or devops-worker reject ID to fail the task (a human runs it; see"
                + " README)\", \"where\": \""
                + f.humanRequests
                + "\"}"),
        status.path("open_question"));
  }

  @Test
  void taskStatus_unknownId_refused() throws IOException {
    assertRefused(
        Tools.TASK_STATUS,
        "{\"id\": \"TASK-999\"}",
        "id: no task \"TASK-999\" on the board "
            + f.board
            + "; check the id (list_tasks shows the worker's tasks)");
  }

  @Test
  void listTasks_withoutStatus_groupsTheWorkersTasksByStatus() throws IOException {
    JsonNode list = Json.parse(ok(tools.call(Tools.LIST_TASKS, Map.of())));

    assertEquals(4, list.path("count").asInt());
    assertEquals(
        Json.parse(
            """
            {"failed": [{"id": "TASK-002", "type": "deployment_staging", "status": "failed",
                         "title": "Deploy 1.3.0 to staging", "release": "1.3.0",
                         "message": "Verification failed after 3 attempts; rolled back."}],
             "blocked": [{"id": "TASK-003", "type": "deployment_production", "status": "blocked",
                          "title": "Deploy 1.2.0 to production", "release": "1.2.0",
                          "message": "Waiting for approval in HITL-001."}],
             "pending": [{"id": "TASK-004", "type": "deployment_staging", "status": "pending",
                          "title": "Deploy 1.4.0 to staging", "release": "1.4.0"}],
             "in_progress": [{"id": "TASK-005", "type": "infrastructure_update",
                              "status": "in_progress", "title": "Heap limit"}]}
            """),
        list.path("by_status"));
  }

  @Test
  void listTasks_withStatus_givesOnlyThose() throws IOException {
    JsonNode list = Json.parse(ok(tools.call(Tools.LIST_TASKS, args("{\"status\": \"pending\"}"))));

    assertEquals(1, list.path("count").asInt());
    assertEquals("TASK-004", list.path("tasks").path(0).path("id").asText());
  }

  @Test
  void planTask_givesTheCliDryRun() throws IOException {
    String text = ok(tools.call(Tools.PLAN_TASK, args("{\"id\": \"TASK-004\"}")));

    assertEquals(Plan.describe(f.config(Clock.fixed(NOW, ZoneOffset.UTC)), "TASK-004"), text);
    assertTrue(text.endsWith("nothing was executed.\n"), text);
  }

  @Test
  void requeueTask_failedTask_pendingWithNewerUpdatedAtAndTheReason_otherBytesKept()
      throws IOException {
    String before = Files.readString(f.board);

    String text =
        ok(
            tools.call(
                Tools.REQUEUE_TASK,
                args("{\"id\": \"TASK-002\", \"reason\": \"The 503 was the load balancer.\"}")));

    assertEquals(
        "{\"id\":\"TASK-002\",\"status\":\"pending\",\"updated_at\":\"2026-12-01T12:00:00.000Z\","
            + "\"message\":\"re-queued: the worker runs it again; follow it with task_status\"}",
        text);
    JsonNode task = f.task("TASK-002");
    assertEquals("pending", task.path("status").asText());
    assertEquals("2026-12-01T12:00:00.000Z", task.path("updated_at").asText());
    assertEquals(
        Json.parse(
            "[{\"by\": \"mcp\", \"reason\": \"The 503 was the load balancer.\","
                + " \"at\": \"2026-12-01T12:00:00.000Z\", \"from_status\": \"failed\"}]"),
        task.path("requeue_requests"));
    String after = Files.readString(f.board);
    assertTrue(after.startsWith(before.substring(0, before.indexOf("\"id\": \"TASK-002\""))));
    assertTrue(after.endsWith(before.substring(before.indexOf("\"id\": \"TASK-003\"") - 8)));
  }

  @Test
  void requeueTask_boardClockAhead_updatedAtJustAfterTheBoards() throws IOException {
    f.config(Clock.systemUTC())
        .openBoard()
        .patch(
            "TASK-002", Patch.empty().set("updated_at", Json.valueOf("\"2030-01-01T00:00:00Z\"")));

    ok(tools.call(Tools.REQUEUE_TASK, args("{\"id\": \"TASK-002\", \"reason\": \"again\"}")));

    assertEquals("2030-01-01T00:00:00.001Z", f.task("TASK-002").path("updated_at").asText());
  }

  @Test
  void requeueTask_earlierRequests_appendsToThem() throws IOException {
    Board board = f.config(Clock.systemUTC()).openBoard();
    board.patch(
        "TASK-002", Patch.empty().set("requeue_requests", Json.parse("[{\"reason\": \"first\"}]")));

    ok(tools.call(Tools.REQUEUE_TASK, args("{\"id\": \"TASK-002\", \"reason\": \"second\"}")));

    JsonNode requests = f.task("TASK-002").path("requeue_requests");
    assertEquals(2, requests.size());
    assertEquals("first", requests.path(0).path("reason").asText());
    assertEquals("second", requests.path(1).path("reason").asText());
  }

  @Test
  void requeueTask_anotherAgentsTask_refused() throws IOException {
    assertRefused(
        Tools.REQUEUE_TASK,
        "{\"id\": \"TASK-006\", \"reason\": \"please\"}",
        "id: task TASK-006 is not the worker's (agent \"Tester\", type \"deployment_staging\");"
            + " re-queue only DevOps-Engineer tasks of the types the worker runs");
  }

  @Test
  void requeueTask_pendingOrInProgress_refused() throws IOException {
    assertRefused(
        Tools.REQUEUE_TASK,
        "{\"id\": \"TASK-004\", \"reason\": \"faster\"}",
        "id: task TASK-004 is \"pending\"; it is already queued or running");
    assertRefused(
        Tools.REQUEUE_TASK,
        "{\"id\": \"TASK-005\", \"reason\": \"faster\"}",
        "id: task TASK-005 is \"in_progress\"; it is already queued or running");
  }

  @Test
  void requeueTask_requeueRequestsNotAnArray_refusedAndNothingWritten() throws IOException {
    f.config(Clock.systemUTC())
        .openBoard()
        .patch("TASK-002", Patch.empty().set("requeue_requests", Json.valueOf("\"no\"")));

    assertRefused(
        Tools.REQUEUE_TASK,
        "{\"id\": \"TASK-002\", \"reason\": \"again\"}",
        "id: task TASK-002 has a requeue_requests field that is not an array; fix the board"
            + " (devops-worker validate) and try again");
  }

  @Test
  void newerThan_boardsTimeBeforeOurs_isOurs() {
    assertEquals(NOW, Requeue.newerThan("2026-11-20T10:00:00Z", NOW));
    assertEquals(NOW, Requeue.newerThan("yesterday", NOW));
    assertEquals(
        Instant.parse("2026-12-01T12:00:00.001Z"), Requeue.newerThan("2026-12-01T12:00:00Z", NOW));
  }

  @Test
  void anyTool_unreadableBoard_errorResultWithFileAndPosition() throws IOException {
    Files.writeString(f.board, "[\n  {\"id\": \"A\",\n", StandardCharsets.UTF_8);

    CallToolResult result = tools.call(Tools.TASK_STATUS, args("{\"id\": \"A\"}"));

    assertTrue(result.isError());
    String text = text(result);
    assertTrue(text.startsWith(f.board + ":"), text);
    assertFalse(text.contains("\n"), text);
    assertFalse(text.contains("Exception"), text);
  }

  private void assertRefused(String tool, String argumentsJson, String message) throws IOException {
    byte[] board = f.boardBytes();
    CallToolResult result = tools.call(tool, args(argumentsJson));
    assertEquals(message, text(result));
    assertTrue(result.isError());
    assertArrayEquals(board, f.boardBytes(), "a refused call wrote to the board");
  }

  static Map<String, Object> args(String json) throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = Json.MAPPER.readValue(json, Map.class);
    return map;
  }

  static String ok(CallToolResult result) {
    assertFalse(result.isError(), () -> text(result));
    return text(result);
  }

  static String text(CallToolResult result) {
    assertEquals(1, result.content().size());
    return ((TextContent) result.content().get(0)).text();
  }
}

package dev.taskboard.devops.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's tools — name, description, input schema — each bound to its {@link Toolbox} method
 * and run one at a time: the SDK calls sync tools on several threads, and every call reads or
 * writes the same files. Every outcome is a result: a refusal or a broken file is an error result
 * with one line saying what to do; a bug is an error result too (its stack trace goes to stderr
 * only), so no call ends the server.
 */
final class Tools {
  static final String REQUEST_DEPLOYMENT = "request_deployment";
  static final String TASK_STATUS = "task_status";
  static final String LIST_TASKS = "list_tasks";
  static final String PLAN_TASK = "plan_task";
  static final String REQUEUE_TASK = "requeue_task";

  private static final Logger LOG = LoggerFactory.getLogger(Tools.class);

  /** What a tool does with its checked arguments: the text of its result. */
  @FunctionalInterface
  interface Body {
    String run(Args args) throws IOException;
  }

  /** One tool: what the agent sees, and what runs. */
  record Definition(
      String name, String description, ObjectNode schema, boolean readOnly, Body body) {
    Set<String> argumentNames() {
      Set<String> names = new LinkedHashSet<>();
      schema.path("properties").fieldNames().forEachRemaining(names::add);
      return names;
    }

    Tool tool() {
      @SuppressWarnings("unchecked")
      Map<String, Object> inputSchema = Json.MAPPER.convertValue(schema, Map.class);
      return Tool.builder()
          .name(name)
          .description(description)
          .inputSchema(inputSchema)
          .annotations(new ToolAnnotations(null, readOnly, false, false, false, null))
          .build();
    }
  }

  private final List<Definition> definitions;
  // Fair, so a burst of calls is answered in the order the SDK handed them over.
  private final ReentrantLock serial = new ReentrantLock(true);

  Tools(Toolbox toolbox) {
    this.definitions = definitions(toolbox);
  }

  List<Definition> definitions() {
    return definitions;
  }

  List<SyncToolSpecification> specifications() {
    return definitions.stream()
        .map(
            d ->
                SyncToolSpecification.builder()
                    .tool(d.tool())
                    .callHandler((exchange, request) -> call(d, request.arguments()))
                    .build())
        .toList();
  }

  /** Runs the tool named {@code name} (a name from {@link #definitions()}). */
  CallToolResult call(String name, Map<String, Object> arguments) {
    Definition d =
        definitions.stream()
            .filter(t -> t.name().equals(name))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no tool " + name));
    return call(d, arguments);
  }

  private CallToolResult call(Definition d, Map<String, Object> arguments) {
    serial.lock();
    try {
      String text = d.body().run(Args.of(arguments, d.argumentNames()));
      LOG.info("{}: done", d.name());
      return result(text, false);
    } catch (ToolError refused) {
      LOG.info("{}: refused: {}", d.name(), refused.getMessage());
      return result(refused.getMessage(), true);
    } catch (NoSuchFileException missing) {
      return result(
          missing.getFile()
              + ": does not exist; check the server's --board, --runbook and --human-requests"
              + " (or create the files with devops-worker init)",
          true);
    } catch (IOException unusable) {
      // The board's, runbook's and human-requests.md's exceptions are one line already: file,
      // position, what is wrong, what to do.
      LOG.warn("{}: {}", d.name(), unusable.getMessage());
      return result(firstLine(unusable.getMessage()), true);
    } catch (RuntimeException bug) {
      LOG.error("{}: internal error", d.name(), bug);
      return result(
          "internal error in devops-worker while running "
              + d.name()
              + " (the stack trace is on the server's stderr); nothing was written by this call"
              + " unless task_status shows it, please report it",
          true);
    } finally {
      serial.unlock();
    }
  }

  private static CallToolResult result(String text, boolean error) {
    return CallToolResult.builder().addTextContent(text).isError(error).build();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "the file could not be read";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static List<Definition> definitions(Toolbox box) {
    return List.of(
        new Definition(
            REQUEST_DEPLOYMENT,
            "Ask devops-worker (the team's DevOps-Engineer) to run a deployment, rollback,"
                + " infrastructure or monitoring task: adds a pending task for it on the board and"
                + " returns the task's id. The type must be one the worker runs and have a section"
                + " in the runbook (deployment.md). Staging and production deployments first pass"
                + " their quality gate on the evidence given here or on the board; nothing here"
                + " can approve or waive a gate — a human decides that in human-requests.md.",
            schema(
                List.of("type", "title"),
                prop(
                    "type",
                    string(
                        "The task type: deployment_staging, deployment_production,"
                            + " deployment_rollback, infrastructure_<name> or monitoring_setup.",
                        64)),
                prop("title", string("One line saying what to deploy.", Args.MAX_TITLE)),
                prop(
                    "release",
                    string(
                            "The release to deploy, like 1.4.0 (required for staging and"
                                + " production deployments).",
                            Args.MAX_RELEASE)
                        .put("pattern", "^[A-Za-z0-9][A-Za-z0-9._+-]*$")),
                prop(
                    "description", string("Details, several lines allowed.", Args.MAX_DESCRIPTION)),
                prop("depends_on", ids("Ids of tasks that must be done or deployed first.")),
                prop(
                    "evidence",
                    Json.MAPPER
                        .createObjectNode()
                        .put("type", "object")
                        .put(
                            "description",
                            "Gate evidence per check, stored as payload.gates: e.g."
                                + " {\"unit_tests\": {\"total_tests\": 180, \"passed_tests\": 180},"
                                + " \"code_review\": \"approved\", \"performance\": {\"p95_ms\":"
                                + " 120}, \"security_validation\": {\"file\": \"evidence/sec.json\"}}.")),
                prop(
                    "evidence_tasks",
                    ids("Ids of board tasks whose results are evidence (Tester, reviews)."))),
            false,
            box::requestDeployment),
        new Definition(
            TASK_STATUS,
            "A task's status as the board and human-requests.md show it: status, result message,"
                + " each gate check with its verdict and evidence, the question humans were asked"
                + " about it (and the answers they may give), and the last lines of its log.",
            schema(List.of("id"), prop("id", id("The task's id, like TASK-011."))),
            true,
            box::taskStatus),
        new Definition(
            LIST_TASKS,
            "The worker's tasks (DevOps-Engineer, deployment_*/infrastructure_*/monitoring_setup):"
                + " id, type, status, title, release, result message; grouped by status, or only"
                + " those with the given status.",
            schema(
                List.of(),
                prop("status", string("Only tasks with this status, like failed or pending.", 32))),
            true,
            box::listTasks),
        new Definition(
            PLAN_TASK,
            "Dry run of a task: whether the worker would take it, its dependencies, its gate"
                + " verdicts with evidence, the runbook steps that would run and the rollback that"
                + " would follow. Nothing is executed.",
            schema(List.of("id"), prop("id", id("The task's id."))),
            true,
            box::planTask),
        new Definition(
            REQUEUE_TASK,
            "Run one of the worker's done, deployed, failed or blocked tasks again: sets it back to"
                + " pending with a newer updated_at and records the reason in its"
                + " requeue_requests. Gates are checked again; this approves nothing.",
            schema(
                List.of("id", "reason"),
                prop("id", id("The task's id.")),
                prop("reason", string("Why it should run again, one line.", Args.MAX_REASON))),
            false,
            box::requeueTask));
  }

  private record Prop(String name, ObjectNode schema) {}

  private static Prop prop(String name, ObjectNode schema) {
    return new Prop(name, schema);
  }

  private static ObjectNode schema(List<String> required, Prop... props) {
    ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    for (Prop p : props) {
      properties.set(p.name(), p.schema());
    }
    ArrayNode names = schema.putArray("required");
    required.forEach(names::add);
    schema.put("additionalProperties", false);
    return schema;
  }

  private static ObjectNode string(String description, int maxLength) {
    return Json.MAPPER
        .createObjectNode()
        .put("type", "string")
        .put("description", description)
        .put("maxLength", maxLength);
  }

  private static ObjectNode id(String description) {
    return string(description, Args.MAX_ID_BYTES).put("minLength", 1);
  }

  private static ObjectNode ids(String description) {
    ObjectNode array =
        Json.MAPPER
            .createObjectNode()
            .put("type", "array")
            .put("description", description)
            .put("maxItems", Args.MAX_IDS);
    array.set("items", id("A task's id."));
    return array;
  }
}

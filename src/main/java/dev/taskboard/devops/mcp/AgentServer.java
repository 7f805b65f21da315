package dev.taskboard.devops.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskboard.devops.worker.WorkerConfig;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * devops-worker's MCP server for the team's agents, on stdio: request a deployment, read a task's
 * status, list the worker's tasks, plan one, re-queue one. It never approves, rejects or waives
 * anything: those decisions are a human's.
 */
public final class AgentServer {
  /*
   * What the MCP Java SDK 2.2.0 (io.modelcontextprotocol.sdk:mcp-core) does that surprised us, read
   * from its sources (the 2.0.x tags) and checked against the 2.2.0 bytecode:
   *
   * - StdioServerTransportProvider ends the whole session at the first stdin line it cannot
   *   deserialize as a JSON-RPC message — a blank line, a typo, a batch array, a line over its 16 MB
   *   limit: its read loop logs and breaks. Hence JsonRpcLines in front of it.
   * - Nothing tells the server that stdin ended: the provider closes its session quietly and the
   *   builder's McpSyncServer has no await. JsonRpcLines reports the end of input instead.
   * - At the end of stdin, responses still being computed are dropped (the outbound side checks
   *   "closing" before each write): `printf 'req\n' | server` gets no answer. JsonRpcLines holds the
   *   end back until JsonRpcOut has seen an answer to every request passed on.
   * - The server advertises the logging capability even when only tools are configured.
   * - A tools/call whose params do not decode (a string, arguments as an array, no params) is
   *   answered with -32603 and Jackson's exception text — class names, "through reference chain" —
   *   and a stack trace in the log. JsonRpcLines answers those with -32602 itself.
   * - A request sent before notifications/initialized is neither answered nor refused: it waits
   *   for the initialization, forever if none comes (JsonRpcLines' wait at the end is bounded).
   * - Sync tool handlers run on Reactor's boundedElastic threads, several at once (the session
   *   flatMaps inbound messages); immediateExecution(true) would run them on the stdin reader thread
   *   instead, blocking pings and cancellations meanwhile. Tools serialises them itself.
   * - validateToolInputs defaults to true: arguments are checked against the input schema with
   *   networknt's validator before the handler runs, and a mismatch comes back as an error result
   *   in the validator's words. It is turned off here so every refusal is Args' one line naming the
   *   argument and what to do; the schemas still tell agents the limits.
   * - build() checks each tool's input schema against the JSON Schema meta-schema, with a
   *   validator found through ServiceLoader (mcp-json-jackson2's META-INF/services) even when input
   *   validation is off: a typo in a schema fails at start; the shaded jar must keep the services
   *   files (ServicesResourceTransformer does). build() also starts the thread reading stdin.
   * - The transport writes each message while holding the OutputStream's monitor, and replaces
   *   "\n" in the serialized JSON with the two characters \n (harmless for Jackson's compact output,
   *   which never has raw newlines, but it would corrupt a pretty-printing mapper's output).
   * - Its default server info still says "Java SDK MCP Server" version "0.15.0"; set serverInfo.
   * - 2.2.0 ships a second, newer server API beside this one (io.modelcontextprotocol.modern:
   *   McpServer, StdioMcpTransport); the classic McpServer.sync(...) API used here is still the
   *   documented one.
   */
  private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);

  /** The name the server gives in initialize, and the name init registers it under. */
  public static final String NAME = "devops-worker";

  private static final String INSTRUCTIONS =
      "devops-worker is the team's DevOps-Engineer. Ask it for deployments, rollbacks,"
          + " infrastructure and monitoring changes with request_deployment, then follow the task"
          + " with task_status. Approvals, rejections and gate waivers are human decisions in"
          + " human-requests.md; no tool makes them.";

  private AgentServer() {}

  /** The names of the tools the server offers. */
  public static List<String> toolNames() {
    return List.of(
        Tools.REQUEST_DEPLOYMENT,
        Tools.TASK_STATUS,
        Tools.LIST_TASKS,
        Tools.PLAN_TASK,
        Tools.REQUEUE_TASK);
  }

  /**
   * Serves one client on {@code in} (JSON-RPC requests, one per line) and {@code out} (responses,
   * nothing else) until {@code in} ends.
   */
  public static void serve(WorkerConfig config, String version, InputStream in, OutputStream out)
      throws InterruptedException {
    McpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
    CountDownLatch ended = new CountDownLatch(1);
    JsonRpcOut responses = new JsonRpcOut(out);
    JsonRpcLines messages = new JsonRpcLines(in, responses, mapper, ended::countDown);
    McpSyncServer server =
        McpServer.sync(new StdioServerTransportProvider(mapper, messages, responses))
            .serverInfo(NAME, version)
            .instructions(INSTRUCTIONS)
            .capabilities(ServerCapabilities.builder().tools(false).build())
            .jsonMapper(mapper)
            .validateToolInputs(false)
            .tools(new Tools(new Toolbox(config)).specifications())
            .build();
    LOG.info(
        "mcp: serving {} (runbook {}, human requests {}) on stdio",
        config.board(),
        config.runbook(),
        config.humanRequests());
    try {
      ended.await();
    } finally {
      server.closeGracefully();
      LOG.info("mcp: input ended, stopped");
    }
  }
}

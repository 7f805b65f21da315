package dev.taskboard.devops.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's stdio as raw lines, as a careless or hostile client writes them: stdout carries
 * JSON-RPC only, a bad line gets a JSON-RPC error instead of ending the session, and every request
 * is answered before the server exits at the end of input.
 */
class StdioLinesTest {
  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
  private static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

  @TempDir Path dir;

  @Test
  void badLines_answeredWithJsonRpcErrors_laterRequestsStillServed_exitAtEndOfInput()
      throws Exception {
    McpFixture f = new McpFixture(dir);
    List<String> command = new ArrayList<>(List.of(ServerProcess.java()));
    command.addAll(ServerProcess.arguments(f.options()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    TestEnv.apply(pb, dir);
    Path stderr = dir.resolve("stderr.txt");
    Process server = pb.redirectError(stderr.toFile()).start();
    CompletableFuture<byte[]> stdout = readAll(server.getInputStream());

    try (OutputStream in = server.getOutputStream()) {
      for (String line :
          List.of(
              INITIALIZE,
              INITIALIZED,
              "",
              "this is not JSON",
              "{\"id\": 41, \"hello\": true}",
              "[1, 2, 3]",
              call(2, "task_status", "{\"id\": \"TASK-003\"}"),
              call(43, "task_status", "[\"TASK-003\"]"),
              "{\"jsonrpc\":\"2.0\",\"id\":44,\"method\":\"tools/call\",\"params\":\"x\"}",
              "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":"
                  + "\"task_status\",\"arguments\":{\"id\":\""
                  + "x".repeat(JsonRpcLines.MAX_LINE_BYTES)
                  + "\"}}}",
              call(3, "requeue_task", "{\"id\": \"TASK-002\", \"reason\": \"again\"}"))) {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } // the end of input: the server answers what it took, then exits
    if (!server.waitFor(90, TimeUnit.SECONDS)) {
      server.destroyForcibly();
      fail("the server did not exit at the end of its input");
    }
    byte[] out = stdout.get(30, TimeUnit.SECONDS);

    assertEquals(0, server.exitValue(), Files.readString(stderr));
    Map<String, JsonNode> byId = new HashMap<>();
    List<Integer> errorCodes = new ArrayList<>();
    for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
      JsonNode message = Json.parse(line); // every line on stdout is JSON ...
      assertEquals("2.0", message.path("jsonrpc").asText(), line); // ... and JSON-RPC
      byId.put(message.path("id").asText(), message);
      if (message.has("error")) {
        errorCodes.add(message.path("error").path("code").asInt());
      }
    }
    assertEquals(List.of(-32700, -32600, -32600, -32602, -32602, -32600), errorCodes);
    assertEquals(-32600, byId.get("41").path("error").path("code").asInt());
    assertEquals(
        "tools/call takes params {\"name\": a tool's name, \"arguments\": an object}",
        byId.get("43").path("error").path("message").asText());
    assertEquals(-32602, byId.get("44").path("error").path("code").asInt());
    assertEquals(
        "devops-worker", byId.get("1").path("result").path("serverInfo").path("name").asText());
    assertEquals("blocked", toolResult(byId.get("2")).path("status").asText());
    assertEquals("pending", toolResult(byId.get("3")).path("status").asText());
    assertEquals("pending", f.task("TASK-002").path("status").asText());
  }

  private static CompletableFuture<byte[]> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static String call(int id, String tool, String arguments) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + arguments
        + "}}";
  }

  private static JsonNode toolResult(JsonNode response) throws IOException {
    assertNotNull(response, "a request taken before the end of input was not answered");
    JsonNode result = response.path("result");
    assertTrue(!result.path("isError").asBoolean(), response.toString());
    return Json.parse(result.path("content").path(0).path("text").asText());
  }
}

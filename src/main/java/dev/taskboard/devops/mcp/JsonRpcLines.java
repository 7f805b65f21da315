package dev.taskboard.devops.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's stdin as the SDK's stdio transport reads it: one JSON-RPC message per line, and
 * nothing else. The SDK's transport ends the session at the first line it cannot turn into a
 * JSON-RPC message (a blank line, a typo, a line over its size limit), so this stream answers such
 * a line itself — a JSON-RPC error on stdout, as the spec asks — and passes on only lines the SDK
 * will accept. When the input ends it first waits for the answers to the requests it passed on (the
 * SDK drops responses still in flight once it sees the end), then tells the server, which the SDK
 * does not either.
 */
final class JsonRpcLines extends InputStream {
  /** Longest line passed on; a longer one is skipped to its end and answered with an error. */
  static final int MAX_LINE_BYTES = 1024 * 1024;

  /** How long the end of input waits for the answers to requests still running. */
  static final Duration ANSWER_BOUND = Duration.ofSeconds(60);

  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int INVALID_PARAMS = -32602;

  private static final byte[] NONE = new byte[0];
  private static final byte[] TOO_LONG = new byte[0];

  private static final Logger LOG = LoggerFactory.getLogger(JsonRpcLines.class);

  private final InputStream in;
  private final JsonRpcOut out;
  private final McpJsonMapper mcpMapper;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Runnable onEnd;
  private byte[] line = NONE;
  private int position;
  private boolean ended;

  /**
   * @param out the stream the SDK's transport writes to; error replies go there too
   * @param onEnd runs once, when {@code in} ends or fails
   */
  JsonRpcLines(InputStream in, JsonRpcOut out, McpJsonMapper mcpMapper, Runnable onEnd) {
    this.in = new BufferedInputStream(in);
    this.out = out;
    this.mcpMapper = mcpMapper;
    this.onEnd = onEnd;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (position == line.length && !nextMessageOrEnd()) {
      return -1;
    }
    int n = Math.min(length, line.length - position);
    System.arraycopy(line, position, buffer, offset, n);
    position += n;
    return n;
  }

  /** What is left of the current line: the reader must not block for the next one. */
  @Override
  public int available() {
    return line.length - position;
  }

  /** The next message; at the end of input, or when stdin or stdout fails, false once told. */
  private boolean nextMessageOrEnd() throws IOException {
    try {
      return nextMessage();
    } catch (IOException | RuntimeException e) {
      end(); // the SDK gives up on this stream now; the server must stop waiting for it
      throw e;
    }
  }

  private boolean nextMessage() throws IOException {
    while (!ended) {
      byte[] raw = readLine();
      if (raw == null) {
        awaitAnswers();
        end();
        return false;
      }
      if (raw == TOO_LONG) {
        reply(
            null,
            INVALID_REQUEST,
            "the line is longer than " + MAX_LINE_BYTES + " bytes; send smaller messages");
        continue;
      }
      String text = new String(raw, StandardCharsets.UTF_8).strip();
      if (!text.isEmpty() && accepted(text)) {
        line = (text + "\n").getBytes(StandardCharsets.UTF_8);
        position = 0;
        return true;
      }
    }
    return false;
  }

  /** Whether the SDK takes {@code text} as a message; answers it with an error when not. */
  private boolean accepted(String text) throws IOException {
    JsonNode node;
    try {
      node = mapper.readTree(text);
    } catch (IOException notJson) {
      reply(null, PARSE_ERROR, "the line is not JSON; send one JSON-RPC 2.0 message per line");
      return false;
    }
    try {
      if (McpSchema.deserializeJsonRpcMessage(mcpMapper, text)
          instanceof McpSchema.JSONRPCRequest) {
        if (!wellFormedToolCall(node)) {
          reply(
              node.path("id"),
              INVALID_PARAMS,
              "tools/call takes params {\"name\": a tool's name, \"arguments\": an object}");
          return false;
        }
        out.expect(node.path("id"));
      }
      return true;
    } catch (IOException | RuntimeException notAMessage) {
      JsonNode id = node.path("id");
      reply(
          id.isTextual() || id.isIntegralNumber() ? id : null,
          INVALID_REQUEST,
          "not a JSON-RPC 2.0 request, notification or response; a request needs \"jsonrpc\":"
              + " \"2.0\", \"id\" and \"method\"");
      return false;
    }
  }

  /**
   * A tools/call the SDK can decode: it answers other shapes with its Jackson exception's text
   * (class names and all) as an internal error, and logs a stack trace.
   */
  private static boolean wellFormedToolCall(JsonNode request) {
    if (!request.path("method").asText().equals(McpSchema.METHOD_TOOLS_CALL)) {
      return true;
    }
    JsonNode params = request.path("params");
    JsonNode arguments = params.path("arguments");
    return params.isObject()
        && params.path("name").isTextual()
        && (arguments.isMissingNode() || arguments.isNull() || arguments.isObject());
  }

  private void reply(JsonNode id, int code, String message) throws IOException {
    ObjectNode error = mapper.createObjectNode().put("jsonrpc", "2.0");
    error.set("id", id == null ? mapper.nullNode() : id);
    error.putObject("error").put("code", code).put("message", message);
    out.reply(mapper.writeValueAsBytes(error));
  }

  private void awaitAnswers() throws IOException {
    try {
      if (!out.awaitAnswers(ANSWER_BOUND)) {
        LOG.warn("mcp: input ended; requests still unanswered after {}, stopping", ANSWER_BOUND);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while answering the last requests");
    }
  }

  /**
   * The next line's bytes without its line ending; null at the end of input. A line over the limit
   * is read to its end but not kept: {@link #TOO_LONG} stands for it.
   */
  private byte[] readLine() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean tooLong = false;
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (bytes.size() < MAX_LINE_BYTES) {
        bytes.write(b);
      } else {
        tooLong = true;
      }
    }
    if (b == -1 && bytes.size() == 0 && !tooLong) {
      return null;
    }
    return tooLong ? TOO_LONG : bytes.toByteArray();
  }

  private void end() {
    if (!ended) {
      ended = true;
      onEnd.run();
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

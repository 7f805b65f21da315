package dev.taskboard.devops.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The server's stdout: the SDK's transport writes its messages here, and this stream notes which
 * requests have been answered, so that the server can answer every request it took before it stops
 * at the end of input (the SDK drops responses still in flight when stdin ends).
 *
 * <p>The transport writes each message while holding this object's monitor; {@link #reply} takes
 * the same monitor, so lines never interleave.
 */
final class JsonRpcOut extends OutputStream {
  private final OutputStream out;
  private final ObjectMapper mapper = new ObjectMapper();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final Set<String> unanswered = new HashSet<>();

  JsonRpcOut(OutputStream out) {
    this.out = out;
  }

  /** A request with this id went to the SDK: its response is due. */
  synchronized void expect(JsonNode id) {
    unanswered.add(id.toString());
  }

  /** Waits until every expected response was written, at most {@code bound}; false if not. */
  synchronized boolean awaitAnswers(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!unanswered.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** Writes one line of its own (an error reply), not counted as an answer. */
  synchronized void reply(byte[] message) throws IOException {
    out.write(message);
    out.write('\n');
    out.flush();
  }

  @Override
  public synchronized void write(int b) throws IOException {
    out.write(b);
    take(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    take(bytes, offset, length);
  }

  @Override
  public synchronized void flush() throws IOException {
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  private void take(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == '\n') {
        answered(line.toByteArray());
        line.reset();
      } else {
        line.write(bytes[i]);
      }
    }
  }

  private void answered(byte[] message) {
    try {
      JsonNode node = mapper.readTree(message);
      if (node.has("result") || node.has("error")) {
        unanswered.remove(node.path("id").toString());
        notifyAll();
      }
    } catch (IOException notJson) {
      // the transport writes JSON only; nothing to note
    }
  }
}

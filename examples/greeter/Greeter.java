import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The example service the shipped deployment.md deploys, run in source-file mode:
 *
 * <pre>java Greeter.java PORT RELEASE [PID_FILE]</pre>
 *
 * <p>{@code GET /} answers {@code hello from RELEASE}; {@code GET /health} answers 200 with {@code
 * {"status":"ok","release":"RELEASE"}}, or 500 when the environment variable {@code
 * GREETER_BREAK_HEALTH} is {@code true} or a file {@code BROKEN} exists in the directory it runs
 * in (its release directory). It listens on 127.0.0.1 only and writes its pid to PID_FILE (or
 * {@code $GREETER_PID_FILE}) once it is listening, removing it again when it stops.
 */
public class Greeter {
  public static void main(String[] args) throws IOException {
    if (args.length < 2 || !args[0].matches("\\d{1,5}")) {
      System.err.println("usage: java Greeter.java PORT RELEASE [PID_FILE]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String release = args[1];
    String pidName = args.length > 2 ? args[2] : System.getenv("GREETER_PID_FILE");
    Path pidFile = pidName == null || pidName.isEmpty() ? null : Path.of(pidName);
    Path releaseDir = Path.of("").toAbsolutePath();

    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext(
        "/",
        exchange -> {
          if (exchange.getRequestURI().getPath().equals("/")) {
            answer(exchange, 200, "text/plain", "hello from " + release + "\n");
          } else {
            answer(exchange, 404, "text/plain", "not found\n");
          }
        });
    server.createContext(
        "/health",
        exchange -> {
          boolean broken =
              "true".equalsIgnoreCase(System.getenv("GREETER_BREAK_HEALTH"))
                  || Files.exists(releaseDir.resolve("BROKEN"));
          String json =
              "{\"status\":\"" + (broken ? "failing" : "ok") + "\",\"release\":\"" + escape(release)
                  + "\"}\n";
          answer(exchange, broken ? 500 : 200, "application/json", json);
        });
    server.start();

    long pid = ProcessHandle.current().pid();
    if (pidFile != null) {
      Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
      Files.writeString(tmp, pid + "\n");
      Files.move(tmp, pidFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop(0);
                  removePidFile(pidFile, pid);
                  System.out.println("greeter " + release + " stopped");
                }));
    System.out.println(
        "greeter " + release + " listening on http://127.0.0.1:" + port + "/ (pid " + pid + ")");
  }

  private static void answer(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Removes the pid file only while it still names this process (a successor may own it). */
  private static void removePidFile(Path pidFile, long pid) {
    try {
      if (pidFile != null && Files.readString(pidFile).strip().equals(Long.toString(pid))) {
        Files.delete(pidFile);
      }
    } catch (IOException e) {
      // Gone already, or never written.
    }
  }
}

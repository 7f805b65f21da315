import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A probe for runbooks on machines without curl, run in source-file mode:
 *
 * <pre>java HealthCheck.java URL [TIMEOUT_SECONDS]</pre>
 *
 * <p>Exits 0 as soon as URL answers 200; asks again every 200 ms until TIMEOUT_SECONDS (default
 * 10) have passed, then exits 1 with one line saying what it got last.
 */
public class HealthCheck {
  private static final int REQUEST_TIMEOUT_MS = 2000;
  private static final long RETRY_MS = 200;

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: java HealthCheck.java URL [TIMEOUT_SECONDS]");
      System.exit(2);
    }
    URI uri;
    double seconds;
    try {
      uri = URI.create(args[0]);
      seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
      uri.toURL();
    } catch (IllegalArgumentException | IOException e) {
      System.out.println("usage: java HealthCheck.java URL [TIMEOUT_SECONDS]; " + e.getMessage());
      System.exit(2);
      return;
    }
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    String last;
    while (true) {
      last = ask(uri);
      if (last.startsWith("200 ")) {
        System.out.println("healthy: " + uri + " answered " + last);
        System.exit(0);
      }
      if (System.nanoTime() + RETRY_MS * 1_000_000 > deadline) {
        break;
      }
      Thread.sleep(RETRY_MS);
    }
    System.out.println("unhealthy: " + uri + " " + last + " (checked for " + fmt(seconds) + "s)");
    System.exit(1);
  }

  /** "STATUS BODY" on an answer, or "did not answer: WHY". */
  private static String ask(URI uri) {
    try {
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
      c.setConnectTimeout(REQUEST_TIMEOUT_MS);
      c.setReadTimeout(REQUEST_TIMEOUT_MS);
      int status = c.getResponseCode();
      InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
      String text = body == null ? "" : new String(body.readNBytes(200), StandardCharsets.UTF_8);
      c.disconnect();
      return status + " " + text.strip().replaceAll("\\s+", " ");
    } catch (IOException | IllegalArgumentException e) {
      return "did not answer: " + e;
    }
  }

  private static String fmt(double seconds) {
    return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
  }
}

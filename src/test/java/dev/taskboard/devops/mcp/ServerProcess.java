package dev.taskboard.devops.mcp;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real {@code devops-worker mcp} command as a separate JVM with the test class path. */
final class ServerProcess {
  private ServerProcess() {}

  /** The java running this test. */
  static String java() {
    String java = ProcessHandle.current().info().command().orElse(null);
    assertNotNull(java, "cannot tell which java runs this test");
    return java;
  }

  /** The arguments after {@link #java()}: JVM options, the main class, {@code mcp}, options. */
  static List<String> arguments(List<String> options) {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> args = new ArrayList<>();
    // C1 only and a small serial heap: two cores, other builds running beside.
    args.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx128m",
            "-cp",
            classPath,
            "dev.taskboard.devops.cli.Main",
            "mcp"));
    args.addAll(options);
    return args;
  }

  /** HOME and XDG directories inside {@code dir}, so the server looks nowhere else. */
  static Map<String, String> environment(Path dir) throws IOException {
    Path home = Files.createDirectories(dir.resolve("home"));
    return Map.of(
        "HOME", home.toString(),
        "XDG_CONFIG_HOME", home.resolve(".config").toString(),
        "XDG_STATE_HOME", home.resolve(".local/state").toString(),
        "XDG_DATA_HOME", home.resolve(".local/share").toString(),
        "XDG_CACHE_HOME", home.resolve(".cache").toString());
  }
}

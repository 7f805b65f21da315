package dev.taskboard.devops.mcp;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;

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
}

package dev.taskboard.devops.hitl;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;

/** Commands that start another JVM with the test class path, for tests about real processes. */
final class Jvm {
  private Jvm() {}

  /** The JVM running this test starting {@code main} with {@code args}. */
  static List<String> command(Class<?> main, String... args) {
    String java = ProcessHandle.current().info().command().orElse(null);
    assertNotNull(java, "cannot tell which java runs this test");
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    // C1 only and a small serial heap: these JVMs live for a second or two on two cores.
    command.addAll(
        List.of(
            java,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx64m",
            "-cp",
            classPath,
            main.getName()));
    command.addAll(List.of(args));
    return command;
  }
}

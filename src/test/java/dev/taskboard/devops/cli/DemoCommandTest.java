package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * demo never replaces a file. (Its runs, which need the example's ports, are in {@link
 * WorkerCommandsTest}, one at a time.)
 */
class DemoCommandTest {
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), TestEnv.in(dir), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void existingRunbook_refusedWithExit2_beforeAnythingIsCopied() throws IOException {
    Path project = dir.resolve("project");
    Files.createDirectories(project);
    Files.writeString(project.resolve("deployment.md"), "# mine\n");

    Run demo = run("demo", project.toString());

    assertEquals(2, demo.exitCode(), demo.err());
    assertEquals(
        "devops-worker: demo: "
            + project.resolve("deployment.md")
            + " already exists; the demo never replaces a file: give it a new or empty directory,"
            + " or none for a temporary one (nothing was copied)\n",
        demo.err());
    assertEquals("# mine\n", Files.readString(project.resolve("deployment.md")));
    try (Stream<Path> files = Files.list(project)) {
      assertEquals(List.of(project.resolve("deployment.md")), files.toList());
    }
  }

  @Test
  void existingBoard_isNamed() throws IOException {
    Path project = dir.resolve("project");
    Files.createDirectories(project.resolve(".plan"));
    Files.writeString(project.resolve(".plan/tasks.json"), "[]");

    Run demo = run("demo", project.toString());

    assertEquals(2, demo.exitCode(), demo.err());
    assertTrue(
        demo.err()
            .startsWith("devops-worker: demo: " + project.resolve(".plan/tasks.json") + " already"),
        demo.err());
    assertEquals("[]", Files.readString(project.resolve(".plan/tasks.json")));
    assertFalse(Files.exists(project.resolve("deployment.md")));
  }
}

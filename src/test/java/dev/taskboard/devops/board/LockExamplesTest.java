package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's lock examples for other agents really take the worker's lock: a separate Java
 * process probing it the worker's way finds it held while the example runs its command.
 */
class LockExamplesTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"with-board-lock.py", "with-board-lock.sh"})
  void example_holdsTheLockTheWorkerTakes(String example) throws Exception {
    Path script = Path.of("examples/lock", example).toAbsolutePath();
    assumeTrue(Files.isExecutable(script), script + " missing");
    assumeTrue(onPath(example.endsWith(".py") ? "python3" : "perl"), "interpreter not installed");
    Path board = dir.resolve("tasks.json");
    Files.writeString(board, "[]");

    List<String> command = new ArrayList<>(List.of(script.toString(), board.toString()));
    command.addAll(probe(dir.resolve("tasks.json.devops-lock")));
    assertEquals("held", run(command));
  }

  @Test
  void probe_findsTheLockFreeWhenNobodyHoldsIt() throws Exception {
    assertEquals("free", run(probe(dir.resolve("tasks.json.devops-lock"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"with-board-lock.py", "with-board-lock.sh"})
  void readme_showsTheExamplesAsShipped(String example) throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    String code = Files.readString(Path.of("examples/lock", example), StandardCharsets.UTF_8);
    assertTrue(readme.contains(code), "README.md must show examples/lock/" + example + " verbatim");
  }

  private static List<String> probe(Path lockFile) {
    return List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        LockProbe.class.getName(),
        lockFile.toString());
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}

package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.testing.TestEnv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** demo never replaces a file, and stops every service it started, also on Ctrl-C. */
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

  @Test
  void interrupted_stopsTheServicesItStarted() throws Exception {
    Path project = dir.resolve("project");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info"); // the worker's events, to wait on
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.add("demo");
    command.add(project.toString());
    Path stdout = dir.resolve("demo.out");
    Process demo =
        TestEnv.apply(new ProcessBuilder(command), dir).redirectOutput(stdout.toFile()).start();
    try (BufferedReader err =
        new BufferedReader(new InputStreamReader(demo.getErrorStream(), StandardCharsets.UTF_8))) {
      // The staging service is up once its task is deployed; then the user presses Ctrl-C.
      String line;
      while ((line = err.readLine()) != null && !line.contains("TASK-004: deployed")) {
        // the worker's log up to there
      }
      assertTrue(line != null, "the demo ended before deploying staging");
      List<Long> pids = servicePids(project);
      assertFalse(pids.isEmpty(), "no service pid file under " + project);
      assertTrue(pids.stream().anyMatch(DemoCommandTest::alive), "staging runs: " + pids);

      // Ctrl-C: SIGINT to the demo's JVM, which runs its shutdown hooks
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start();
      assertEquals(0, kill.waitFor());
      err.transferTo(java.io.Writer.nullWriter());
      assertTrue(demo.waitFor(120, TimeUnit.SECONDS), "the demo did not stop");

      List<Long> all = new ArrayList<>(pids);
      all.addAll(servicePids(project));
      for (long pid : all) {
        assertFalse(alive(pid), "service still running: pid " + pid);
      }
      assertTrue(
          Files.readString(stdout).contains("stopped service pid"), Files.readString(stdout));
    } finally {
      demo.destroyForcibly();
      for (long pid : servicePids(project)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static List<Long> servicePids(Path project) throws IOException {
    Path state = project.resolve(".devops-worker");
    if (!Files.isDirectory(state)) {
      return List.of();
    }
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> all = Files.walk(state)) {
      for (Path p : all.filter(f -> f.toString().endsWith(".pid")).toList()) {
        String text = Files.readString(p).strip();
        if (text.matches("\\d+")) {
          pids.add(Long.parseLong(text));
        }
      }
    }
    return pids;
  }
}

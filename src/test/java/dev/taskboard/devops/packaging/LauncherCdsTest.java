package dev.taskboard.devops.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data-sharing archive with the real JVM: made once per jar and JDK in the
 * cache dir, by a run whose output never reaches the caller's stdout; used from then on; remade for
 * a new build; never in the way when it cannot be made.
 */
class LauncherCdsTest {
  private static final String BOARD =
      """
      [
        {"id": "T-1", "type": "deployment_staging", "status": "pending", "agent": "DevOps-Engineer",
         "payload": {"release": "1.4.0"}},
        {"id": "T-2", "type": "feature_development", "status": "done", "agent": "Task-Coder"}
      ]
      """;

  @TempDir static Path shared;
  private static Install install;

  @TempDir Path dir;
  private Path board;
  private Path cache;
  private Path javaLog;
  private Map<String, String> env;

  @BeforeAll
  static void install() throws IOException {
    // One install for the class: copying the dependency jars is most of its cost.
    install = Install.at(shared.resolve("devops-worker-0.2.0"));
  }

  @BeforeEach
  void project() throws IOException {
    board = Files.writeString(dir.resolve("tasks.json"), BOARD);
    cache = dir.resolve("cache");
    javaLog = dir.resolve("java.log");
    Path javaHome = Install.loggingJava(dir.resolve("jdk"), javaLog);
    env =
        Map.of(
            "HOME", dir.resolve("home").toString(),
            "XDG_CACHE_HOME", cache.toString(),
            "JAVA_HOME", javaHome.toString());
  }

  @Test
  void boardGet_printsExactlyTheTaskLine_onTheRunThatMakesTheArchiveAndAfter() throws Exception {
    String expected = inProcess("board", "get", "T-1", "--board", board.toString());

    Install.Run first = install.run(dir, env, "board", "get", "T-1", "--board", board.toString());
    Install.Run second = install.run(dir, env, "board", "get", "T-1", "--board", board.toString());

    assertEquals(0, first.code(), first.err());
    assertEquals(expected, first.out());
    assertEquals("", first.err());
    assertEquals(0, second.code(), second.err());
    assertEquals(expected, second.out());
    assertEquals("", second.err());
    List<Path> archives = archives();
    assertEquals(1, archives.size(), archives.toString());
    List<String> calls = Files.readAllLines(javaLog);
    assertTrue(
        calls.get(calls.size() - 1).contains("-XX:SharedArchiveFile=" + archives.get(0)),
        calls.toString());
  }

  @Test
  void archive_holdsTheWorkersClasses() throws Exception {
    install.run(dir, env, "--version");
    Path archive = archives().get(0);
    Path classLog = dir.resolve("classes.log");

    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:on",
                "-XX:SharedArchiveFile=" + archive,
                "-Xlog:class+load=info:file=" + classLog,
                "-jar",
                install.jar.toString(),
                "board",
                "list",
                "--board",
                board.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, p.waitFor(), out);
    try (Stream<String> lines = Files.lines(classLog)) {
      assertTrue(
          lines.anyMatch(
              l ->
                  l.contains(" dev.taskboard.devops.board.")
                      && l.contains("shared objects file (top)")),
          "no class of the worker came from the archive");
    }
  }

  @Test
  void newBuildOfTheJar_getsANewArchive_andTheOldOneIsRemoved() throws Exception {
    install.run(dir, env, "--version");
    List<Path> before = archives();
    Files.setLastModifiedTime(
        install.jar,
        FileTime.fromMillis(Files.getLastModifiedTime(install.jar).toMillis() + 60_000));

    Install.Run run = install.run(dir, env, "board", "list", "--board", board.toString());

    assertEquals(0, run.code(), run.err());
    List<Path> after = archives();
    assertEquals(1, before.size(), before.toString());
    assertEquals(1, after.size(), after.toString());
    assertNotEquals(before.get(0), after.get(0));
  }

  @Test
  void callsWithOtherJavaOpts_keepTheirOwnArchives() throws Exception {
    Map<String, String> small = new java.util.HashMap<>(env);
    small.put("JAVA_OPTS", "-Xmx64m");
    Map<String, String> large = new java.util.HashMap<>(env);
    large.put("JAVA_OPTS", "-Xmx128m");

    install.run(dir, small, "--version");
    install.run(dir, large, "--version");
    long calls = Files.readAllLines(javaLog).size();
    Install.Run again = install.run(dir, small, "board", "list", "--board", board.toString());

    assertEquals(0, again.code(), again.err());
    assertEquals(2, archives().size(), archives().toString());
    assertEquals(calls + 1, Files.readAllLines(javaLog).size(), "the archive was made again");
  }

  @Test
  void jvmThatCannotMakeAnArchive_stillPrintsTheTask_andIsNotAskedAgain() throws Exception {
    // Without the JDK's base archive the JVM refuses -XX:ArchiveClassesAtExit.
    Map<String, String> noSharing = new java.util.HashMap<>(env);
    noSharing.put("JAVA_OPTS", "-Xshare:off");
    String expected = inProcess("board", "get", "T-2", "--board", board.toString());

    Install.Run first =
        install.run(dir, noSharing, "board", "get", "T-2", "--board", board.toString());
    long callsAfterFirst = Files.readAllLines(javaLog).size();
    Install.Run second =
        install.run(dir, noSharing, "board", "get", "T-2", "--board", board.toString());

    assertEquals(expected, first.out());
    assertEquals(0, first.code(), first.err());
    assertEquals(expected, second.out());
    assertTrue(archives().isEmpty());
    assertEquals(callsAfterFirst + 1, Files.readAllLines(javaLog).size(), "asked again");
  }

  @Test
  void cacheThatCannotBeCreated_runsWithoutAnArchive() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("cache-file"), "");
    Map<String, String> blocked = new java.util.HashMap<>(env);
    blocked.put("XDG_CACHE_HOME", notADirectory.toString());
    String expected = inProcess("board", "get", "T-1", "--board", board.toString());

    Install.Run run = install.run(dir, blocked, "board", "get", "T-1", "--board", board.toString());

    assertEquals(0, run.code(), run.err());
    assertEquals(expected, run.out());
    assertEquals("", run.err());
    assertFalse(Files.readString(javaLog).contains("SharedArchiveFile"));
  }

  private List<Path> archives() throws IOException {
    Path dir = cache.resolve("devops-worker");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".jsa")).sorted().toList();
    }
  }

  private static String inProcess(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertEquals(0, code, err.toString());
    return out.toString();
  }
}

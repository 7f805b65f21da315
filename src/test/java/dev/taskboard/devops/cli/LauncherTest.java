package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/devops-worker finds the jar, passes JAVA_OPTS and the arguments, and says when it cannot. */
class LauncherTest {
  @TempDir Path dir;

  @Test
  void launcher_runsTheJarWithJavaOptsAndArguments() throws Exception {
    Path javaHome = dir.resolve("jdk");
    Path java = javaHome.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = Files.createFile(dir.resolve("devops-worker.jar"));

    Result r =
        launch(
            Map.of(
                "JAVA_HOME",
                javaHome.toString(),
                "DEVOPS_WORKER_JAR",
                jar.toString(),
                "JAVA_OPTS",
                "-Xmx64m -Dx=1"),
            "run",
            "--once",
            "two words");

    assertEquals(0, r.code(), r.out());
    assertEquals("-Xmx64m -Dx=1 -jar " + jar + " run --once two words", r.out());
  }

  @Test
  void launcher_init_namesItselfForTheMcpEntry_mcpKeepsBothCompilers() throws Exception {
    Path javaHome = dir.resolve("jdk");
    Path java = javaHome.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = Files.createFile(dir.resolve("devops-worker.jar"));
    Map<String, String> env =
        Map.of("JAVA_HOME", javaHome.toString(), "DEVOPS_WORKER_JAR", jar.toString());

    Result init = launch(env, "init", "--agents");
    Result mcp = launch(env, "mcp");

    Path launcher = Path.of("bin/devops-worker").toAbsolutePath();
    assertEquals(
        "-XX:TieredStopAtLevel=1 -Ddevops-worker.launcher="
            + launcher
            + " -jar "
            + jar
            + " init --agents",
        init.out());
    assertEquals("-jar " + jar + " mcp", mcp.out());
  }

  @Test
  void launcher_withoutAJar_saysHowToBuildOne() throws Exception {
    Result r =
        launch(Map.of("DEVOPS_WORKER_JAR", dir.resolve("missing.jar").toString()), "--version");
    assertEquals(2, r.code());
    assertTrue(r.out().startsWith("devops-worker: cannot find devops-worker.jar"), r.out());
  }

  private record Result(int code, String out) {}

  private static Result launch(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(Path.of("bin/devops-worker").toAbsolutePath().toString());
    pb.command().addAll(java.util.List.of(args));
    pb.environment().remove("JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return new Result(p.waitFor(), out);
  }
}

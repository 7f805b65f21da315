package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/devops-worker finds the jar (also through symlinks), chooses the JVM flags per command,
 * passes JAVA_OPTS last and the arguments intact, and says when it cannot. The java here is a
 * stand-in that prints its arguments, one per line; LauncherCdsTest runs the real one.
 */
class LauncherTest {
  @TempDir Path dir;
  private Path javaHome;

  @BeforeEach
  void fakeJava() throws IOException {
    javaHome = dir.resolve("jdk");
    Path java = javaHome.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void launcher_runsTheJarWithJavaOptsLastAndArgumentsIntact() throws Exception {
    Path jar = Files.createFile(dir.resolve("devops-worker.jar"));

    Result r =
        launch(
            launcher(),
            Map.of("DEVOPS_WORKER_JAR", jar.toString(), "JAVA_OPTS", "-Xmx64m -Dx=1"),
            "run",
            "--once",
            "two words");

    assertEquals(0, r.code(), r.out());
    List<String> args = r.lines();
    int jarAt = args.indexOf("-jar");
    assertEquals(List.of("-Xmx64m", "-Dx=1"), args.subList(jarAt - 2, jarAt), r.out());
    assertEquals(
        List.of(jar.toString(), "run", "--once", "two words"), args.subList(jarAt + 1, jarAt + 5));
  }

  @Test
  void launcher_calledThroughAChainOfRelativeSymlinks_findsTheJarInLib() throws Exception {
    Path release = dir.resolve("opt/devops-worker-0.2.0");
    Path script = release.resolve("bin/devops-worker");
    Files.createDirectories(script.getParent());
    Files.copy(launcher(), script, StandardCopyOption.COPY_ATTRIBUTES);
    Path jar = Files.createDirectories(release.resolve("lib")).resolve("devops-worker.jar");
    Files.createFile(jar);
    // The release directory is reached through a directory link, as `ln -s devops-worker-0.2.0`.
    Files.createSymbolicLink(
        dir.resolve("opt/devops-worker"), Path.of(release.getFileName().toString()));
    Path localBin = Files.createDirectories(dir.resolve("home/.local/bin"));
    Path first =
        Files.createSymbolicLink(
            localBin.resolve("devops-worker"),
            Path.of("../../../opt/devops-worker/bin/devops-worker"));
    Path onPath = Files.createDirectories(dir.resolve("usr/bin")).resolve("dw");
    Files.createSymbolicLink(onPath, first);

    Result r = launch(onPath, Map.of(), "board", "list");

    assertEquals(0, r.code(), r.out());
    List<String> args = r.lines();
    Path found = Path.of(args.get(args.indexOf("-jar") + 1));
    assertEquals(jar.toRealPath(), found.toRealPath(), r.out());
  }

  @Test
  void launcher_daemonCommandsKeepBothCompilersAndABoundedHeap() throws Exception {
    Path jar = Files.createFile(dir.resolve("devops-worker.jar"));
    for (String command : List.of("run", "demo", "mcp")) {
      List<String> args =
          launch(launcher(), Map.of("DEVOPS_WORKER_JAR", jar.toString()), command).lines();
      List<String> jvm = args.subList(0, args.indexOf("-jar"));
      assertFalse(jvm.contains("-XX:TieredStopAtLevel=1"), command + ": " + jvm);
      assertTrue(jvm.stream().anyMatch(a -> a.startsWith("-Xmx")), command + ": " + jvm);
      assertTrue(jvm.stream().anyMatch(a -> a.startsWith("-Xms")), command + ": " + jvm);
    }
  }

  @Test
  void launcher_oneShotCommandsUseTheQuickCompilerOnly() throws Exception {
    Path jar = Files.createFile(dir.resolve("devops-worker.jar"));
    for (String command : List.of("board", "validate", "plan", "status", "--version")) {
      List<String> args =
          launch(launcher(), Map.of("DEVOPS_WORKER_JAR", jar.toString()), command).lines();
      List<String> jvm = args.subList(0, args.indexOf("-jar"));
      assertTrue(jvm.contains("-XX:TieredStopAtLevel=1"), command + ": " + jvm);
      assertFalse(jvm.stream().anyMatch(a -> a.startsWith("-Xmx")), command + ": " + jvm);
    }
  }

  @Test
  void launcher_javaOptsOverrideTheDaemonHeap() throws Exception {
    Path jar = Files.createFile(dir.resolve("devops-worker.jar"));
    List<String> args =
        launch(
                launcher(),
                Map.of("DEVOPS_WORKER_JAR", jar.toString(), "JAVA_OPTS", "-Xmx1g"),
                "run")
            .lines();
    List<String> heaps = args.stream().filter(a -> a.startsWith("-Xmx")).toList();
    assertEquals("-Xmx1g", heaps.get(heaps.size() - 1), args.toString());
  }

  @Test
  void launcher_init_namesItselfForTheMcpEntry_mcpKeepsBothCompilers() throws Exception {
    Path jar = Files.createFile(dir.resolve("devops-worker.jar"));
    Map<String, String> env = Map.of("DEVOPS_WORKER_JAR", jar.toString());

    List<String> init = launch(launcher(), env, "init", "--agents").lines();
    List<String> mcp = launch(launcher(), env, "mcp").lines();

    assertTrue(init.contains("-Ddevops-worker.launcher=" + launcher()), init.toString());
    assertEquals(
        List.of("-jar", jar.toString(), "init", "--agents"),
        init.subList(init.size() - 4, init.size()));
    assertFalse(mcp.contains("-XX:TieredStopAtLevel=1"), mcp.toString());
    assertTrue(mcp.contains("-Xmx320m"), mcp.toString());
  }

  @Test
  void launcher_withoutAJar_saysHowToBuildOne() throws Exception {
    Result r =
        launch(
            launcher(),
            Map.of("DEVOPS_WORKER_JAR", dir.resolve("missing.jar").toString()),
            "--version");
    assertEquals(2, r.code());
    assertTrue(r.out().startsWith("devops-worker: cannot find devops-worker.jar"), r.out());
  }

  private record Result(int code, String out) {
    List<String> lines() {
      return Arrays.asList(out.split("\n"));
    }
  }

  private static Path launcher() {
    return Path.of("bin/devops-worker").toAbsolutePath();
  }

  private Result launch(Path script, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(script.toString());
    pb.command().addAll(List.of(args));
    Map<String, String> environment = pb.environment();
    environment.remove("JAVA_OPTS");
    environment.remove("DEVOPS_WORKER_JAR");
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("JAVA_HOME", javaHome.toString());
    all.put("HOME", dir.resolve("home").toString());
    all.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    environment.putAll(all);
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return new Result(p.waitFor(), out);
  }
}

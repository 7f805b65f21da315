package dev.taskboard.devops.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/Dockerfile: a JDK image (the shipped runbook launches `java Greeter.java`), no fixed
 * uid, tini as PID 1, the release tarball as install source, a user that is not root. Where a
 * Docker engine answers, the image is built too.
 */
class DockerfileTest {
  private static final Path DOCKERFILE = Path.of("packaging/Dockerfile");

  @Test
  void image_isTheTemurin17Jdk() throws IOException {
    List<String> from = instructions("FROM");
    assertEquals(1, from.size(), from.toString());
    assertTrue(from.get(0).matches("eclipse-temurin:17-jdk(-\\S+)?"), from.get(0));
  }

  @Test
  void user_isASystemUserWithoutAFixedUid() throws IOException {
    String useradd =
        instructions("RUN").stream().filter(r -> r.contains("useradd")).findFirst().orElseThrow();
    assertTrue(useradd.contains("--system"), useradd);
    assertFalse(useradd.matches(".*(--uid|-u)\\s+\\d+.*"), useradd);
    List<String> users = instructions("USER");
    assertFalse(users.isEmpty());
    assertFalse(List.of("root", "0").contains(users.get(users.size() - 1)), users.toString());
  }

  @Test
  void tini_isPid1_andRunsTheLauncher() throws IOException {
    String entrypoint = instructions("ENTRYPOINT").get(0);
    assertTrue(
        entrypoint.matches("\\[\\s*\"(/usr/bin/)?tini\",\\s*\"--\",\\s*\"devops-worker\".*"),
        entrypoint);
    assertTrue(
        instructions("RUN").stream().anyMatch(r -> r.matches(".*apt-get install .*\\btini\\b.*")));
  }

  @Test
  void install_isTheReleaseTarballOfThisVersion() throws IOException {
    String version = projectVersion();
    String arg =
        instructions("ARG").stream()
            .filter(a -> a.startsWith("VERSION="))
            .findFirst()
            .orElseThrow();
    assertEquals("VERSION=" + version, arg);
    assertTrue(
        instructions("ADD").contains("target/devops-worker-${VERSION}.tar.gz /opt/"),
        instructions("ADD").toString());
  }

  @Test
  void dockerfile_namesTheDaemonFlagsTheLauncherGives(@TempDir Path dir) throws Exception {
    String dockerfile = Files.readString(DOCKERFILE);
    List<String> flags = Install.daemonFlags(dir);

    assertTrue(flags.stream().anyMatch(f -> f.startsWith("-Xmx")), flags.toString());
    for (String flag : flags) {
      assertTrue(dockerfile.contains(flag), flag + " not in " + DOCKERFILE);
    }
  }

  @Test
  void image_builds_whereADockerEngineAnswers() throws Exception {
    assumeTrue(
        SystemdUnitTest.onPath("docker") && succeeds("docker", "info"),
        "no Docker engine answers here (docker info failed): the image was not built");
    Path tarball = Path.of("target/devops-worker-" + projectVersion() + ".tar.gz");
    assumeTrue(
        Files.isRegularFile(tarball),
        tarball + " is missing (mvn package makes it): the image was not built");

    Process p =
        new ProcessBuilder(
                "docker", "build", "-f", DOCKERFILE.toString(), "-t", "devops-worker:test", ".")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, p.waitFor(), out);
  }

  /** The arguments of every instruction named {@code name}, continuation lines joined. */
  static List<String> instructions(String name) throws IOException {
    String text = Files.readString(DOCKERFILE).replaceAll("\\\\\\n\\s*", " ");
    return text.lines()
        .map(String::strip)
        .filter(l -> l.startsWith(name + " "))
        .map(l -> l.substring(name.length() + 1).strip())
        .toList();
  }

  static String projectVersion() throws IOException {
    Matcher m =
        Pattern.compile("</modelVersion>.*?<version>([^<]+)</version>", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(m.find(), "pom.xml has no project version");
    return m.group(1);
  }

  private static boolean succeeds(String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }
}

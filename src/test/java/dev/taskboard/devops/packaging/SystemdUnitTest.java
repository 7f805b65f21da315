package dev.taskboard.devops.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/devops-worker.service: a stop is a clean exit, leaves deployed services alone, waits
 * for the running step and its rollback, and runs the launcher from the tarball's install location
 * as a user of its own with its state outside the project. `systemd-analyze verify` checks the file
 * where this machine has systemd.
 */
class SystemdUnitTest {
  private static final Path UNIT = Path.of("packaging/devops-worker.service");
  private static final String INSTALLED_LAUNCHER = "/opt/devops-worker/bin/devops-worker";

  @TempDir Path dir;

  @Test
  void stop_isACleanExit_thatSignalsOnlyTheWorker() throws IOException {
    Map<String, List<String>> service = section("Service");

    assertEquals(List.of("143"), service.get("SuccessExitStatus"));
    assertEquals(List.of("process"), service.get("KillMode"));
    assertEquals(List.of("SIGTERM"), service.get("KillSignal"));
  }

  @Test
  void stopTimeout_coversTheStepsGraceAndARollback() throws IOException {
    Duration grace = Duration.ofSeconds(30);
    Duration rollbackStep = Duration.ofMinutes(5);

    Duration timeout = duration(section("Service").get("TimeoutStopSec").get(0));

    assertTrue(
        timeout.compareTo(grace.plus(rollbackStep).plusSeconds(30)) >= 0,
        "TimeoutStopSec " + timeout);
  }

  @Test
  void worker_runsAsItsOwnUser_withItsStateOutsideTheProject() throws IOException {
    Map<String, List<String>> service = section("Service");

    assertEquals(List.of("devops-worker"), service.get("User"));
    assertEquals(List.of("devops-worker"), service.get("StateDirectory"));
    String exec = service.get("ExecStart").get(0);
    assertTrue(exec.startsWith(INSTALLED_LAUNCHER + " run "), exec);
    assertFalse(exec.contains("--state-dir"), "the default state dir, keyed by the board: " + exec);
    assertEquals(List.of("devops-worker"), service.get("RuntimeDirectory"));
    String env = String.join(" ", service.get("Environment"));
    assertTrue(env.contains("XDG_STATE_HOME=%S"), env);
    assertTrue(env.contains("XDG_RUNTIME_DIR=%t"), env);
    assertTrue(env.contains("XDG_CONFIG_HOME=%E"), env);
    assertTrue(
        Files.readString(UNIT).contains("useradd --system"),
        "the file says how to create the user");
  }

  @Test
  void unit_namesTheDaemonFlagsTheLauncherGives() throws Exception {
    String unit = Files.readString(UNIT);
    List<String> flags = Install.daemonFlags(dir);

    assertTrue(flags.stream().anyMatch(f -> f.startsWith("-Xmx")), flags.toString());
    for (String flag : flags) {
      assertTrue(unit.contains(flag), flag + " not in " + UNIT);
    }
  }

  @Test
  void unit_passesSystemdAnalyzeVerify() throws Exception {
    assumeTrue(
        onPath("systemd-analyze"),
        "systemd-analyze is not installed here (apt-get install systemd): unit not verified");
    // verify checks that ExecStart is executable: point it at this checkout's launcher.
    Path unit = dir.resolve("devops-worker.service");
    Files.writeString(
        unit,
        Files.readString(UNIT)
            .replace(INSTALLED_LAUNCHER, Path.of("bin/devops-worker").toAbsolutePath().toString()));

    Process p =
        new ProcessBuilder("systemd-analyze", "verify", unit.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();

    assertEquals(0, code, out);
    // Unknown keys and bad values are only warnings, naming the file.
    assertTrue(!out.contains(unit.getFileName().toString()), out);
  }

  private static Map<String, List<String>> section(String name) throws IOException {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    String current = "";
    for (String line : Files.readAllLines(UNIT)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.startsWith("[")) {
        current = trimmed.substring(1, trimmed.length() - 1);
      } else if (current.equals(name)) {
        int eq = trimmed.indexOf('=');
        keys.computeIfAbsent(trimmed.substring(0, eq), k -> new ArrayList<>())
            .add(trimmed.substring(eq + 1));
      }
    }
    return keys;
  }

  /** A systemd time span as this unit writes them: "7min", "420", "6min 30s", "90s". */
  private static Duration duration(String span) {
    Matcher m = Pattern.compile("(\\d+)\\s*(min|s)?").matcher(span);
    Duration total = Duration.ZERO;
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus("min".equals(m.group(2)) ? Duration.ofMinutes(n) : Duration.ofSeconds(n));
    }
    return total;
  }

  static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : path.split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}

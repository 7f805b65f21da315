package dev.taskboard.devops.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SshToolTest {
  @TempDir Path dir;

  private final Map<String, String> env = Map.of("PATH", System.getenv("PATH"));

  @Test
  void privateDir_isOwnersOnlyAndGoneWithItsFilesOnClose() throws Exception {
    PrivateDir p = PrivateDir.create(dir);
    Path file = p.write("statement", "x".getBytes(StandardCharsets.UTF_8));

    assertEquals(
        "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p.path())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    p.close();
    p.close();
    assertFalse(Files.exists(p.path()));
  }

  @Test
  void run_toolThatNeverEnds_isKilledAtTheBound() throws Exception {
    SshTool tool = new SshTool(env, Duration.ofMillis(200), false);

    try (PrivateDir p = PrivateDir.create(dir)) {
      SshTool.Result r = tool.run(p, List.of("sleep", "600"), null);

      assertTrue(r.timedOut());
      assertFalse(r.ok());
      assertEquals("it did not finish in time", r.complaint());
    }
  }

  @Test
  void run_withoutTerminal_readsNothingAndSeesOnlyTheGivenEnvironment() throws Exception {
    SshTool tool =
        new SshTool(
            Map.of("PATH", System.getenv("PATH"), "ONLY", "this"), Duration.ofSeconds(30), false);

    try (PrivateDir p = PrivateDir.create(dir)) {
      SshTool.Result r =
          tool.run(p, List.of("sh", "-c", "cat; env | sort; echo oops >&2; exit 3"), null);

      assertEquals(3, r.exitCode());
      assertTrue(r.stdout().contains("ONLY=this\n"), r.stdout());
      assertTrue(r.stdout().contains("SSH_ASKPASS_REQUIRE=never\n"), r.stdout());
      assertFalse(r.stdout().contains("HOME="), r.stdout());
      assertEquals("'oops'", r.complaint());
    }
  }
}

package dev.taskboard.devops.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line is drawn only when stderr itself is a terminal: script(1) gives the process a
 * pty for stdin, stdout and stderr, and {@code 2>file} takes stderr off it (where {@code
 * System.console()} still answers non-null on JDK 17).
 */
class ProgressTerminalTest {
  private static final Path SCRIPT = Path.of("/usr/bin/script");

  @TempDir Path dir;

  /** Runs the probe under script(1), with {@code redirect} appended to its command. */
  private String underScript(String redirect) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String command =
        quote(java)
            + " -XX:TieredStopAtLevel=1 -Xmx64m -cp "
            + quote(classPath)
            + " "
            + ProgressProbe.class.getName()
            + redirect;
    List<String> args = new ArrayList<>(List.of(SCRIPT.toString(), "-qec", command, "/dev/null"));
    ProcessBuilder pb = TestEnv.apply(new ProcessBuilder(args), dir);
    pb.environment().put("TERM", "xterm");
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.redirectErrorStream(true);
    Path out = dir.resolve("script.out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    assertEquals(0, p.waitFor(), Files.readString(out));
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  @Test
  void stderrToAFile_noCarriageReturnOrEscapeInTheFile() throws Exception {
    assumeTrue(Files.isExecutable(SCRIPT), "no script(1) here");
    Path log = dir.resolve("stderr.log");

    underScript(" 2>" + quote(log.toString()));

    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals("terminal=false\n", text);
    assertFalse(text.contains("\r") || text.contains("\033"), text);
  }

  @Test
  void stderrOnATerminal_theLineIsDrawnAndCleared() throws Exception {
    assumeTrue(Files.isExecutable(SCRIPT), "no script(1) here");

    String shown = underScript("");

    assertTrue(shown.contains("\r\033[K▶ T-1 deploy#1 "), shown);
    assertTrue(shown.contains("\r\033[K" + "terminal=true"), shown);
  }
}

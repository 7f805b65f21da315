package dev.taskboard.devops.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.runbook.Runbook;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property-based fuzzing of the runbook parser: runbooks put together from random fragments
 * (headings of levels 1–4, fenced blocks with any info string, settings lines, random bytes, CRLF,
 * BOM, unterminated fences), sometimes with a further runbook file. {@link Runbook#load} either
 * returns or throws an IOException (RunbookException) whose message is one line starting with the
 * path of the file at fault; nothing else, and no hang.
 */
class RunbookFuzzTest {
  private static final int CI_CASES = 1_000;

  private static final String[] NAMES = {
    "deployment_staging",
    "deployment_production",
    "deployment_rollback",
    "infrastructure_setup",
    "infrastructure_",
    "monitoring_setup",
    "defaults",
    "gates",
    "pre",
    "deploy",
    "verify",
    "rollback",
    "Deploy",
    "ROLLBACK",
    "`deployment_canary`",
    "deployment_staging extra words",
    "Deployment_Staging",
    "notes",
    ""
  };
  private static final String[] INFOS = {
    "settings",
    "sh",
    "bash",
    "python3",
    "node",
    "perl",
    "text",
    "",
    "json",
    "console",
    "shell-session",
    "ruby",
    "sh {.x}",
    "settings extra",
    "SH",
    "`sh`",
    "\u00e9"
  };
  private static final String[] SETTINGS = {
    "timeout: 30s",
    "timeout: 0s",
    "timeout: 999999999h",
    "timeout: 10",
    "attempts: 3",
    "attempts: 0",
    "attempts: 9999999",
    "attempts: -1",
    "backoff: 500ms",
    "grace: 5m",
    "url: http://127.0.0.1:18081/",
    "url: not a url",
    "url: http://[::1",
    "workdir: .",
    "workdir: ../..",
    "workdir: \u0000",
    "env.DEPLOY_ROOT: /tmp/x",
    "env.1BAD: x",
    "env.: x",
    "redact: DB_URL, WEBHOOK",
    "redact: 1x",
    "unknown: value",
    "no colon here",
    ": empty key",
    "timeout: \"30s\"",
    "timeout: '30s' # comment",
    "# a comment",
    "",
    "staging: unit_tests, smoke_tests",
    "production: performance",
    "unit_tests: 99.5",
    "regression_tests: 101",
    "min_pass_rate.unit_tests: 100",
    "staging: nope"
  };
  private static final String[] SHELL = {
    "echo deploy", "exit 1", "cat <<'EOF'", "EOF", "```", "~~~", "    ```", "#!/bin/sh", "$TASK_ID"
  };

  @TempDir Path dir;

  @Test
  void anyRunbookLoadsOrFailsWithOneLineNamingItsFile() {
    Fuzz.run("runbook fuzz", CI_CASES, Duration.ofSeconds(10), this::oneCase);
  }

  private void oneCase(long seed) throws Exception {
    Random r = new Random(seed);
    Path main = dir.resolve("deployment.md");
    Path sibling = dir.resolve("extra.md");
    byte[] text = runbook(r);
    Files.write(main, text);
    byte[] other = null;
    if (r.nextInt(4) == 0) {
      other = runbook(r);
      Files.write(sibling, other);
    } else {
      Files.deleteIfExists(sibling);
    }
    try {
      Runbook.load(main, other == null ? List.of() : List.of(sibling));
    } catch (IOException e) {
      String m = e.getMessage();
      String shown =
          "\n--- deployment.md ---\n"
              + Fuzz.show(text)
              + (other == null ? "" : "\n--- extra.md ---\n" + Fuzz.show(other));
      assertTrue(Fuzz.oneLine(m), "message is not one line: " + m + shown);
      assertTrue(
          m.startsWith(main + ":") || other != null && m.startsWith(sibling + ":"),
          "message does not start with the file's path: " + m + shown);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError(
          "Runbook.load threw " + e + " on\n" + Fuzz.show(text) + "\n" + other, e);
    }
  }

  /** A runbook from random fragments; often a mostly valid one, so the parser goes deep. */
  static byte[] runbook(Random r) {
    String eol = r.nextInt(4) == 0 ? "\r\n" : "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (r.nextInt(8) == 0) {
      out.writeBytes("\uFEFF".getBytes(StandardCharsets.UTF_8));
    }
    int fragments = r.nextInt(14);
    for (int i = 0; i < fragments; i++) {
      StringBuilder b = new StringBuilder();
      switch (r.nextInt(10)) {
        case 0, 1, 2 -> {
          int level = 1 + r.nextInt(4);
          b.append(" ".repeat(r.nextInt(8) == 0 ? r.nextInt(5) : 0))
              .append("#".repeat(level))
              .append(r.nextInt(10) == 0 ? "" : " ")
              .append(r.nextInt(6) == 0 ? Fuzz.randomText(r, 1 + r.nextInt(8)) : pick(r, NAMES))
              .append(r.nextInt(10) == 0 ? " ##" : "")
              .append(eol);
          if (r.nextInt(10) == 0) {
            b.append("=".repeat(1 + r.nextInt(4))).append(eol); // setext underline
          }
        }
        case 3, 4, 5 -> {
          String fence = r.nextBoolean() ? "```" : r.nextInt(4) == 0 ? "~~~~" : "~~~";
          String indent = r.nextInt(8) == 0 ? "  " : "";
          String info = pick(r, INFOS);
          b.append(indent).append(fence).append(info).append(eol);
          boolean settings = info.startsWith("settings") || r.nextInt(4) == 0;
          for (int n = r.nextInt(5); n > 0; n--) {
            b.append(settings ? pick(r, SETTINGS) : pick(r, SHELL)).append(eol);
          }
          if (r.nextInt(8) != 0) {
            b.append(indent).append(fence).append(eol); // else unterminated
          }
        }
        case 6 -> b.append(pick(r, SETTINGS)).append(eol);
        case 7 -> b.append(Fuzz.randomText(r, r.nextInt(30))).append(eol);
        case 8 -> b.append(eol);
        default -> {
          out.writeBytes(Fuzz.junk(r));
          continue;
        }
      }
      out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = out.toByteArray();
    return r.nextInt(5) == 0 && bytes.length > 0 ? Fuzz.mutate(r, bytes, 2) : bytes;
  }

  private static String pick(Random r, String[] items) {
    return Fuzz.pick(r, items);
  }
}

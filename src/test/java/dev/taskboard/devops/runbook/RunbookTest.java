package dev.taskboard.devops.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

class RunbookTest {
  @TempDir Path dir;

  private Path write(String name, String... lines) throws IOException {
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  private Path runbook(String... lines) throws IOException {
    return write("deployment.md", lines);
  }

  private String error(Path file) {
    return assertThrows(RunbookException.class, () -> Runbook.load(file)).getMessage();
  }

  @Test
  void load_readsSectionsPhasesAndStepsInDocumentOrder() throws IOException {
    Path file =
        runbook(
            "# Runbook",
            "",
            "Prose.",
            "",
            "## `deployment_staging`",
            "",
            "### pre",
            "```bash",
            "echo pre",
            "```",
            "### deploy",
            "```sh",
            "echo one",
            "```",
            "Some prose between steps.",
            "```python3 title=second",
            "print('two')",
            "```",
            "### Verify",
            "```sh",
            "echo verify",
            "```",
            "## monitoring_setup",
            "### deploy",
            "```perl",
            "print 1;",
            "```");

    Runbook runbook = Runbook.load(file);

    assertEquals(
        List.of("deployment_staging", "monitoring_setup"),
        runbook.sections().stream().map(Section::name).toList());
    Section staging = runbook.section("deployment_staging").orElseThrow();
    assertEquals(5, staging.line());
    assertEquals(file, staging.file());
    List<Step> deploy = staging.steps(Phase.DEPLOY);
    assertEquals(
        List.of(
            new Step(Phase.DEPLOY, 1, "sh", "echo one", file, 12),
            new Step(Phase.DEPLOY, 2, "python3", "print('two')", file, 16)),
        deploy);
    assertEquals("deploy#2", deploy.get(1).name());
    assertEquals("bash", staging.steps(Phase.PRE).get(0).interpreter());
    assertTrue(staging.has(Phase.VERIFY));
    assertFalse(staging.has(Phase.ROLLBACK));
    assertEquals(List.of(), staging.steps(Phase.ROLLBACK));
    assertEquals(
        "print 1;",
        runbook.section("monitoring_setup").orElseThrow().steps(Phase.DEPLOY).get(0).script());
    assertEquals(Optional.empty(), runbook.section("deployment_production"));
  }

  @Test
  void load_skipsDocumentationBlocksAndOtherSections() throws IOException {
    Path file =
        runbook(
            "## How to read this file",
            "```sh",
            "rm -rf / # an example, never run",
            "```",
            "```ruby",
            "puts 'not a section, not checked'",
            "```",
            "## gates",
            "```settings",
            "approval.timeout: 24h",
            "```",
            "## deployment_staging",
            "```",
            "no info string: documentation",
            "```",
            "### deploy",
            "```console",
            "$ echo shown, not run",
            "```",
            "```text",
            "output",
            "```",
            "```json",
            "{}",
            "```",
            "```shell-session",
            "$ ls",
            "```",
            "    indented code is documentation too",
            "",
            "```sh",
            "echo the only step",
            "```",
            "### Notes",
            "```text",
            "a documentation subsection",
            "```");

    Section s = Runbook.load(file).section("deployment_staging").orElseThrow();

    assertEquals(
        List.of("echo the only step"), s.steps(Phase.DEPLOY).stream().map(Step::script).toList());
    assertEquals(Set.of(Phase.DEPLOY), s.phases().keySet());
  }

  @Test
  void load_findsStepsNestedInListsAndQuotes() throws IOException {
    Path file =
        runbook(
            "## infrastructure_dns",
            "### deploy",
            "1. First:",
            "   ```sh",
            "   echo nested",
            "   ```",
            "> ```sh",
            "> echo quoted",
            "> ```");

    List<Step> steps =
        Runbook.load(file).section("infrastructure_dns").orElseThrow().steps(Phase.DEPLOY);

    assertEquals(List.of("echo nested", "echo quoted"), steps.stream().map(Step::script).toList());
    assertEquals(List.of(4, 7), steps.stream().map(Step::line).toList());
  }

  @Test
  void settings_defaultsWhenNothingIsSet() throws IOException {
    Path file = runbook("## deployment_staging", "### deploy", "```sh", "true", "```");

    Settings s = Runbook.load(file).section("deployment_staging").orElseThrow().settings();

    assertEquals(
        new Settings(
            Duration.ofMinutes(5),
            3,
            Duration.ofSeconds(2),
            Optional.empty(),
            dir.toAbsolutePath(),
            Duration.ofSeconds(30),
            Map.of(),
            Set.of()),
        s);
  }

  @Test
  void settings_sectionOverridesDefaults_envMerges_redactAddsUp() throws IOException {
    Path file =
        runbook(
            "## deployment_staging",
            "```settings",
            "timeout: 30s   # per step",
            "url: http://127.0.0.1:18081/#top",
            "env.GREETING: \"hello # not a comment\"",
            "env.SHARED: section",
            "redact: SECTION_ONLY",
            "```",
            "### deploy",
            "```sh",
            "true",
            "```",
            "",
            "## defaults",
            "",
            "```settings",
            "# comments and blank lines are fine",
            "",
            "timeout: 1h",
            "attempts: 5",
            "backoff: 500ms",
            "grace: 0s",
            "workdir: build/out",
            "env.SHARED: defaults",
            "env.ONLY_DEFAULT: x",
            "redact: DB_URL, WEBHOOK",
            "```");

    Settings s = Runbook.load(file).section("deployment_staging").orElseThrow().settings();

    assertEquals(Duration.ofSeconds(30), s.timeout());
    assertEquals(5, s.attempts());
    assertEquals(Duration.ofMillis(500), s.backoff());
    assertEquals(Duration.ZERO, s.grace());
    assertEquals(Optional.of("http://127.0.0.1:18081/#top"), s.url());
    assertEquals(dir.toAbsolutePath().resolve("build/out"), s.workdir());
    assertEquals(
        Map.of("SHARED", "section", "ONLY_DEFAULT", "x", "GREETING", "hello # not a comment"),
        s.env());
    assertEquals(Set.of("DB_URL", "WEBHOOK", "SECTION_ONLY"), s.redact());
    assertEquals(Duration.ZERO, s.backoffBefore(1));
    assertEquals(Duration.ofMillis(500), s.backoffBefore(2));
    assertEquals(Duration.ofSeconds(1), s.backoffBefore(3));
  }

  @Test
  void moreFiles_addSections_withTheirOwnDefaultsOnTop() throws IOException {
    Path main =
        runbook(
            "## defaults",
            "```settings",
            "attempts: 2",
            "timeout: 10s",
            "```",
            "## deployment_staging",
            "### deploy",
            "```sh",
            "true",
            "```");
    Path canary =
        write(
            "canary.md",
            "## defaults",
            "```settings",
            "timeout: 20s",
            "```",
            "## deployment_canary",
            "### deploy",
            "```sh",
            "echo canary",
            "```");

    Runbook runbook = Runbook.load(main, List.of(canary));

    assertEquals(List.of(main, canary), runbook.files());
    Section c = runbook.section("deployment_canary").orElseThrow();
    assertEquals(canary, c.file());
    assertEquals(Duration.ofSeconds(20), c.settings().timeout());
    assertEquals(2, c.settings().attempts());
    assertEquals(
        Duration.ofSeconds(10),
        runbook.section("deployment_staging").orElseThrow().settings().timeout());
  }

  /** Agents can write files beside the runbook: such a file must not add commands. */
  @Test
  void fileBesideTheRunbook_addsNoSteps_andCannotBeChosen() throws IOException {
    Path main = runbook("## deployment_staging", "### deploy", "```sh", "echo main", "```");
    write("deployment-evil.md", "## deployment_evil", "### deploy", "```sh", "touch pwned", "```");
    write(
        "deployment-staging.md",
        "## deployment_production",
        "### deploy",
        "```sh",
        "touch pwned",
        "```");

    Runbook runbook = Runbook.load(main);

    assertEquals(List.of(main), runbook.files());
    assertEquals(List.of("deployment_staging"), names(runbook));
    assertThrows(
        RunbookException.class, () -> runbook.section("deployment_evil", "deployment-evil.md"));
  }

  @Test
  void moreFiles_withTheSameFileName_areRefused() throws IOException {
    Path main = runbook("## deployment_staging", "### deploy", "```sh", "true", "```");
    Path other = Files.createDirectory(dir.resolve("other")).resolve("deployment.md");
    Files.writeString(other, "## deployment_canary\n### deploy\n```sh\ntrue\n```\n");

    RunbookException e =
        assertThrows(RunbookException.class, () -> Runbook.load(main, List.of(other)));

    assertEquals(
        other
            + ": has the same file name as the runbook file "
            + main
            + "; a task chooses a runbook file by its name, so give each a name of its own",
        e.getMessage());
  }

  @Test
  void sectionDefinedInTwoFiles_isRefusedNamingBothPlaces() throws IOException {
    Path main = runbook("## deployment_staging", "### deploy", "```sh", "true", "```");
    Path other = write("extra.md", "", "## deployment_staging", "### deploy", "```sh", "x", "```");

    assertEquals(
        other
            + ":2:1: section deployment_staging is already defined at "
            + main
            + ":1; keep one of them",
        assertThrows(RunbookException.class, () -> Runbook.load(main, List.of(other)))
            .getMessage());
  }

  @Test
  void sectionDefinedTwiceInOneFile_isRefused() throws IOException {
    Path file =
        runbook(
            "## deployment_staging",
            "### deploy",
            "```sh",
            "true",
            "```",
            "## deployment_staging",
            "### deploy",
            "```sh",
            "true",
            "```");

    assertEquals(
        file
            + ":6:1: section deployment_staging is already defined at "
            + file
            + ":1; keep one of them",
        error(file));
  }

  @Test
  void unknownInterpreter_isRefusedWithItsPosition() throws IOException {
    Path file = runbook("## deployment_staging", "", "### deploy", "``` ruby", "puts 1", "```");

    assertEquals(
        file
            + ":4:5: unknown interpreter 'ruby'; write sh, bash, python3, node or perl"
            + " (or text for a block that only documents)",
        error(file));
  }

  @Test
  void stepOutsideAPhase_isRefused() throws IOException {
    Path file = runbook("## deployment_staging", "```sh", "echo where", "```");

    assertEquals(
        file
            + ":2:4: a sh block in deployment_staging outside a phase; put it under ### pre,"
            + " ### deploy, ### verify or ### rollback, or write text instead of sh if it only"
            + " documents",
        error(file));
  }

  @Test
  void structuralMistakes_areRefused() throws IOException {
    Path file =
        runbook("## deployment_staging (the staging one)", "### deploy", "```sh", "x", "```");
    assertEquals(
        file
            + ":1:1: a section heading is the task type alone; write '## deployment_staging' and"
            + " describe it in a paragraph below",
        error(file));

    file =
        runbook(
            "## deployment_staging",
            "### deploy",
            "```sh",
            "x",
            "```",
            "### deploy",
            "```sh",
            "y",
            "```");
    assertEquals(
        file
            + ":6:1: phase deploy of deployment_staging is already opened at line 2; put all its"
            + " blocks under one heading",
        error(file));

    file =
        runbook(
            "## deployment_staging", "### deploy", "```sh", "x", "```", "### verify", "nothing");
    assertEquals(
        file
            + ":6:1: phase verify of deployment_staging has no step; add a fenced block (```sh)"
            + " under it or remove the heading",
        error(file));

    file = runbook("intro", "", "## deployment_staging", "```settings", "attempts: 1", "```");
    assertEquals(
        file
            + ":3:1: section deployment_staging has no steps; add a ### deploy heading with a"
            + " fenced ```sh block under it",
        error(file));

    file = runbook("## defaults", "### deploy", "```sh", "x", "```");
    assertEquals(
        file
            + ":2:1: ## defaults holds settings only; move ### deploy into the section of a task type",
        error(file));

    file = runbook("## defaults", "```sh", "x", "```");
    assertEquals(
        file + ":2:4: ## defaults holds settings only; move this sh block into a task section",
        error(file));
  }

  @Test
  void badSettings_areRefusedWithPositionAndWhatToWrite() throws IOException {
    assertSettingsError(
        "retries: 3",
        ":3:1: unknown setting 'retries'; use one of timeout, attempts, backoff, url, workdir,"
            + " grace, env.NAME or redact");
    assertSettingsError(
        "timeout: 5 minutes",
        ":3:10: timeout '5 minutes' is not a duration; write a whole number and a unit: 500ms,"
            + " 30s, 5m or 1h");
    assertSettingsError(
        "  backoff: 2d",
        ":3:12: backoff '2d' is not a duration; write a whole number and a unit: 500ms, 30s, 5m"
            + " or 1h");
    assertSettingsError(
        "timeout: 0s", ":3:10: timeout must be longer than 0; write e.g. 'timeout: 30s'");
    assertSettingsError(
        "attempts: three",
        ":3:11: attempts 'three' is not a whole number; write how many tries, like 'attempts: 3'");
    assertSettingsError(
        "attempts: 0", ":3:11: attempts must be at least 1; write 'attempts: 1' for a single try");
    assertSettingsError(
        "url: localhost:8080",
        ":3:6: url 'localhost:8080' is not an absolute URL; write scheme and host, like"
            + " http://127.0.0.1:18081/");
    assertSettingsError(
        "env.1BAD: x",
        ":3:1: '1BAD' is not an environment variable name; use letters, digits and _, like"
            + " env.DEPLOY_ROOT");
    assertSettingsError(
        "redact: GOOD, not-a-name",
        ":3:9: redact names variables; 'not-a-name' is not a variable name, write e.g."
            + " 'redact: DB_URL, WEBHOOK'");
    assertSettingsError(
        "timeout 30s",
        ":3:1: expected 'key: value'; write one setting per line, like 'timeout: 30s'");
    assertSettingsError(
        "timeout: 30s\ntimeout: 1m", ":4:1: timeout is already set at line 3; keep one of them");
  }

  private void assertSettingsError(String settingsLines, String expected) throws IOException {
    Path file =
        runbook(
            "## deployment_staging",
            "```settings",
            settingsLines,
            "```",
            "### deploy",
            "```sh",
            "true",
            "```");
    assertEquals(file + expected, error(file), settingsLines);
  }

  @Test
  void settingsKeyRepeatedAcrossBlocksOfOneSection_isRefused() throws IOException {
    Path file =
        runbook(
            "## deployment_staging",
            "```settings",
            "url: http://a/",
            "```",
            "### deploy",
            "```settings",
            "url: http://b/",
            "```",
            "```sh",
            "true",
            "```");

    assertEquals(file + ":7:1: url is already set at line 3; keep one of them", error(file));
  }

  @Test
  void payloadRunbookChoice_acceptsOnlyLoadedFileNames() throws IOException {
    Path main = runbook("## deployment_staging", "### deploy", "```sh", "echo main", "```");
    Path canary =
        write("canary.md", "## deployment_canary", "### deploy", "```sh", "echo c", "```");
    write("deployment-beside.md", "## deployment_beside", "### deploy", "```sh", "x", "```");
    Runbook runbook = Runbook.load(main, List.of(canary));

    assertEquals(canary, runbook.section("deployment_canary", "canary.md").orElseThrow().file());
    assertEquals(main, runbook.section("deployment_staging", "deployment.md").orElseThrow().file());
    assertEquals(Optional.empty(), runbook.section("deployment_staging", "canary.md"));
    assertEquals(main, runbook.section("deployment_staging", null).orElseThrow().file());
    assertEquals(main, runbook.section("deployment_staging", "").orElseThrow().file());

    for (String bad :
        List.of(
            "../x.md",
            "/etc/passwd",
            "../deployment.md",
            "./deployment.md",
            dir.resolve("deployment.md").toString(),
            "deployment-beside.md",
            "Canary.md",
            "canary.md ",
            "deployment-missing.md")) {
      RunbookException e =
          assertThrows(RunbookException.class, () -> runbook.section("deployment_staging", bad));
      assertEquals(
          main
              + ": the task chose runbook '"
              + bad
              + "', which is not one of the worker's runbook files; name one of deployment.md,"
              + " canary.md (a file name, without any directory)",
          e.getMessage());
    }
  }

  @Test
  void payloadRunbookChoice_keepsTheMessageOnOneLine() throws IOException {
    Path main = runbook("## deployment_staging", "### deploy", "```sh", "true", "```");

    RunbookException e =
        assertThrows(
            RunbookException.class,
            () -> Runbook.load(main).section("deployment_staging", "x\n.md" + "y".repeat(200)));

    assertFalse(e.getMessage().contains("\n"));
    assertTrue(e.getMessage().contains("'x?.md" + "y".repeat(75) + "…'"), e.getMessage());
  }

  @Test
  void missingRunbook_isRefusedInOneLine() {
    Path file = dir.resolve("deployment.md");

    assertEquals(file + ": does not exist; create it or run 'devops-worker init'", error(file));
  }

  @Test
  void byteOrderMark_doesNotHideTheFirstHeading() throws IOException {
    Path file = runbook("\uFEFF## deployment_staging", "### deploy", "```sh", "true", "```");

    assertTrue(Runbook.load(file).section("deployment_staging").isPresent());
  }

  @Test
  void nonUtf8Runbook_isRefused() throws IOException {
    Path file = dir.resolve("deployment.md");
    Files.write(file, new byte[] {'#', ' ', (byte) 0xC3, (byte) 0x28});

    assertEquals(file + ": is not UTF-8 text; save it as UTF-8", error(file));
  }

  @Test
  void digest_isSha256OfTheFilesNamesAndBytes_lengthPrefixed() throws Exception {
    Path main = dir.resolve("deployment.md");
    byte[] mainBytes =
        "\uFEFF## deployment_staging\r\n### deploy\r\n```sh\r\ntrue\r\n```\r\n"
            .getBytes(StandardCharsets.UTF_8);
    Files.write(main, mainBytes);
    Path canary = write("canary.md", "## deployment_canary", "### deploy", "```sh", "x", "```");

    String digest = Runbook.load(main, List.of(canary)).digest();

    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (byte[] part :
        List.of(
            "deployment.md".getBytes(StandardCharsets.UTF_8),
            mainBytes,
            "canary.md".getBytes(StandardCharsets.UTF_8),
            Files.readAllBytes(canary))) {
      sha256.update(ByteBuffer.allocate(8).putLong(part.length).array());
      sha256.update(part);
    }
    assertEquals("sha256:" + HexFormat.of().formatHex(sha256.digest()), digest);
  }

  @Test
  void digest_changesWithAnyByte_andContentsMovedBetweenFilesDoNotCollide() throws IOException {
    String section = "## deployment_staging\n### deploy\n```sh\ntrue\n```\n";
    Path main = Files.writeString(dir.resolve("deployment.md"), section + "# a");
    Path more = Files.writeString(dir.resolve("more.md"), "b\n");
    String first = Runbook.load(main, List.of(more)).digest();

    Files.writeString(main, section + "# ");
    Files.writeString(more, "ab\n");
    String moved = Runbook.load(main, List.of(more)).digest();
    Files.writeString(main, section + "# a");
    Files.writeString(more, "c\n");
    String changed = Runbook.load(main, List.of(more)).digest();
    Files.writeString(more, "b\n");

    assertTrue(first.matches("sha256:[0-9a-f]{64}"), first);
    assertEquals(first, Runbook.load(main, List.of(more)).digest());
    assertNotEquals(first, moved);
    assertNotEquals(first, changed);
    assertNotEquals(first, Runbook.load(main).digest());
  }

  /** A plain open of a FIFO blocks, deaf to interrupts: the worker would hang for good. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void fifoAsTheRunbook_isRefusedInsteadOfHanging() throws Exception {
    Path fifo = Steps.fifo(dir.resolve("deployment.md"));

    assertEquals(
        fifo + ": is a FIFO, not a regular file; replace it with a regular file", error(fifo));
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void fifoAsAFurtherRunbookFile_isRefusedInsteadOfHanging() throws Exception {
    Path main = runbook("## deployment_staging", "### deploy", "```sh", "true", "```");
    Path fifo = Steps.fifo(dir.resolve("canary.md"));

    assertEquals(
        fifo + ": is a FIFO, not a regular file; replace it with a regular file",
        assertThrows(RunbookException.class, () -> Runbook.load(main, List.of(fifo))).getMessage());
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void deviceAsTheRunbook_isRefusedWithoutReadingIt() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("deployment.md"), Path.of("/dev/zero"));

    assertEquals(
        link + ": is a character device, not a regular file; replace it with a regular file",
        error(link));
  }

  @Test
  void runbookOverTheSizeLimit_isRefused() throws IOException {
    Path file = dir.resolve("deployment.md");
    Files.write(file, new byte[(int) RunbookParser.MAX_BYTES + 1]);

    assertEquals(
        file + ": is 4194305 bytes, over the limit of 4194304 bytes; make it smaller", error(file));
  }

  private static List<String> names(Runbook runbook) {
    return runbook.sections().stream().map(Section::name).toList();
  }
}

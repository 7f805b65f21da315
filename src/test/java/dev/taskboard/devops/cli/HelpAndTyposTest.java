package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.testing.TestEnv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** --help, -h and -V on every command and subcommand; one line with a suggestion for typos. */
class HelpAndTyposTest {
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), TestEnv.in(dir), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Every command's words, e.g. [board, get], walked from the real command line. */
  static Stream<List<String>> commands() {
    List<List<String>> all = new ArrayList<>();
    Main.everyCommand(
        Main.commandLine(java.util.Map.of()),
        cl -> {
          List<String> words = new ArrayList<>();
          for (CommandLine c = cl; c.getParent() != null; c = c.getParent()) {
            words.add(0, c.getCommandName());
          }
          all.add(words);
        });
    return all.stream();
  }

  @Test
  void theWalkFindsTheBoardSubcommands() {
    List<List<String>> all = commands().toList();
    assertTrue(all.contains(List.of("board", "get")), all.toString());
    assertTrue(all.contains(List.of("board", "add")), all.toString());
    assertTrue(all.contains(List.of()), all.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void helpAndVersion_workOnEveryCommand_evenWithoutItsRequiredArguments(List<String> command) {
    for (String help : List.of("--help", "-h")) {
      Run run = run(with(command, help));
      assertEquals(0, run.exitCode(), run.err());
      assertEquals("", run.err());
      String name =
          String.join(" ", with(List.of("devops-worker"), command.toArray(String[]::new)));
      assertTrue(run.out().startsWith("Usage: " + name), run.out());
      assertTrue(run.out().contains("-h, --help"), run.out());
    }
    for (String version : List.of("-V", "--version")) {
      Run run = run(with(command, version));
      assertEquals(0, run.exitCode(), run.err());
      assertTrue(run.out().startsWith("devops-worker "), command + ": " + run.out());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "run --boadr x|unknown option '--boadr'; did you mean --board? (see 'devops-worker run"
            + " --help')",
        "run --Once|unknown option '--Once'; did you mean --once? (see 'devops-worker run"
            + " --help')",
        "board lsit|unknown command 'lsit'; did you mean list? (see 'devops-worker board"
            + " --help')",
        "bord list|unknown command 'bord'; did you mean board? (see 'devops-worker --help')",
        "deploy --board x|unknown command 'deploy' (see 'devops-worker --help')",
        "board list --bogus|unknown option '--bogus' (see 'devops-worker board list --help')",
        "board get --bord=x T-1|unknown option '--bord'; did you mean --board? (see"
            + " 'devops-worker board get --help')",
        "status --stat-dir x|unknown option '--stat-dir'; did you mean --state-dir? (see"
            + " 'devops-worker status --help')",
        "board|give a command: list, get, patch, add, requeue (see 'devops-worker board"
            + " --help')",
      })
  void typo_oneLineExit2WithTheNearestName(String args, String expected) {
    Run run = run(args.split(" "));

    assertEquals(2, run.exitCode(), run.err());
    assertEquals("devops-worker: " + expected + "\n", run.err());
    assertEquals("", run.out());
  }

  @Test
  void abbreviatedOptions_areNotAccepted() {
    Run run = run("run", "--onc");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().startsWith("devops-worker: unknown option '--onc'"), run.err());
  }

  private static String[] with(List<String> command, String arg) {
    List<String> args = new ArrayList<>(command);
    args.add(arg);
    return args.toArray(String[]::new);
  }

  private static List<String> with(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }
}

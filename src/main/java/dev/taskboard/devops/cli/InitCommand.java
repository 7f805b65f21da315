package dev.taskboard.devops.cli;

import dev.taskboard.devops.validate.Scaffold;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code init [DIR]}: the board, human-requests.md and a placeholder runbook, where missing. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Create what is missing in DIR: .plan/tasks.json ([]), .plan/human-requests.md and a"
            + " deployment.md whose steps fail until you write real ones. A per-task board"
            + " (.plan/tasks/) is kept as the board: only its missing index.json is created. Never"
            + " overwrites a file.")
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      arity = "0..1",
      defaultValue = ".",
      description = "The project's directory (default: the current one).")
  Path dir;

  @Option(
      names = "--agents",
      description =
          "Also register the MCP server for the team's agents: a devops-worker entry in .mcp.json"
              + " (added only where it is missing) and a section in AGENTS.md (appended when it has"
              + " none).")
  boolean agents;

  @Option(
      names = "--launcher",
      paramLabel = "COMMAND",
      description =
          "The command .mcp.json starts the server with. Default: the bin/devops-worker that runs"
              + " this, else devops-worker (on the PATH).")
  String launcher;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Scaffold.create(dir).forEach(out::println);
    if (agents) {
      Scaffold.agents(dir, launcher == null ? defaultLauncher() : launcher).forEach(out::println);
    }
    out.flush();
    return ExitCode.OK;
  }

  /** bin/devops-worker names itself in this property when it starts init. */
  private static String defaultLauncher() {
    String launcher = System.getProperty("devops-worker.launcher");
    return launcher == null || launcher.isBlank() ? "devops-worker" : launcher;
  }
}

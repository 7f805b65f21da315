package dev.taskboard.devops.cli;

import dev.taskboard.devops.mcp.AgentServer;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mcp}: the MCP server on stdio through which the team's agents reach the worker. */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description =
        "An MCP server on stdin/stdout for the team's agents: request_deployment, task_status,"
            + " list_tasks, plan_task, requeue_task. It never approves, rejects or waives anything."
            + " stdout carries JSON-RPC only; logs go to stderr. Ends when stdin ends.")
final class McpCommand implements Callable<Integer> {
  @Mixin BoardCommand.BoardOptions board;
  @Mixin WorkerOptions.Runbook runbook;
  @Mixin WorkerOptions.RunbookFiles runbookFiles;
  @Mixin WorkerOptions.Filter filter;
  @Mixin WorkerOptions.StateDir stateDir;
  @Mixin WorkerOptions.HumanRequests humanRequests;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    // stdout is the protocol's: whatever else would print there (a library, a stray println, a
    // logger configured for System.out) goes to stderr from here on. Loggers are created after
    // this.
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try (OutputStream protocol =
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out))) {
      AgentServer.serve(
          WorkerOptions.builder(Main.env(spec), board)
              .runbook(runbook)
              .runbookFiles(runbookFiles)
              .filter(filter)
              .stateDir(stateDir)
              .humanRequests(humanRequests)
              .config(),
          version(),
          new FileInputStream(FileDescriptor.in),
          protocol);
    } catch (java.io.IOException closing) {
      // stdout is gone with the client; nothing is left to tell it
    } finally {
      System.setOut(stdout);
    }
    return ExitCode.OK;
  }

  private static String version() {
    String v = McpCommand.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}

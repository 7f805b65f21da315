package dev.taskboard.devops.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the worker's command line as a real OS process with the test classpath. */
final class TestProcesses {
  private TestProcesses() {}

  static String classpath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  static ProcessBuilder worker(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(classpath());
    command.add("dev.taskboard.devops.cli.Main");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().remove("DEVOPS_WORKER_BOARD");
    pb.environment().remove("DEVOPS_WORKER_RUNBOOK");
    return pb;
  }

  static Process start(Path dir, Path stderr, String... args) throws IOException {
    return worker(dir, args)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(stderr.toFile())
        .start();
  }
}

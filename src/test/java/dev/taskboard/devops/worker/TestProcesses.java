package dev.taskboard.devops.worker;

import dev.taskboard.devops.testing.TestEnv;
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
    return TestEnv.apply(new ProcessBuilder(command).directory(dir.toFile()), dir);
  }

  static Process start(Path dir, Path stderr, String... args) throws IOException {
    return worker(dir, args)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(stderr.toFile())
        .start();
  }
}

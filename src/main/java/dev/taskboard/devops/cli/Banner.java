package dev.taskboard.devops.cli;

import dev.taskboard.devops.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** What {@code run} prints when it starts: which files it works on, who may sign, who is told. */
final class Banner {
  private Banner() {}

  static List<String> of(WorkerConfig config, String version) {
    List<String> lines = new ArrayList<>();
    lines.add("devops-worker " + version + " starting");
    lines.add(
        "  board:          "
            + config.board().toAbsolutePath()
            + " (task array: "
            + config.arrayPath()
            + ")");
    String extra =
        config.runbookFiles().isEmpty()
            ? ""
            : " + "
                + config.runbookFiles().stream()
                    .map(p -> p.toAbsolutePath().toString())
                    .collect(Collectors.joining(", "));
    lines.add("  runbook:        " + config.runbook().toAbsolutePath() + extra);
    lines.add("  state dir:      " + config.stateDir().toAbsolutePath());
    lines.add("  human requests: " + config.humanRequests().toAbsolutePath());
    lines.add("  signers:        " + signers(config));
    lines.add(
        "  notify:         "
            + (config.notifyCommand().isBlank() ? "none (--notify CMD)" : config.notifyCommand()));
    if (config.allowUnsigned()) {
      lines.add(
          "devops-worker: WARNING: unsigned approvals are allowed (--allow-unsigned-approvals):"
              + " anyone who can write "
              + config.humanRequests().getFileName()
              + " can open the production gate");
    }
    return lines;
  }

  private static String signers(WorkerConfig config) {
    if (config.signersFile().isEmpty()) {
      return "none";
    }
    Path file = config.signersFile().get().toAbsolutePath();
    return Files.exists(file)
        ? file.toString()
        : file + " (missing: no approval or waiver can be verified; see --signers)";
  }
}

package dev.taskboard.devops.validate;

import dev.taskboard.devops.board.ArrayPath;
import dev.taskboard.devops.board.BoardLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a project's board, runbook and human-requests.md without changing anything, and returns
 * every finding, sorted by file and position.
 */
public final class Validator {
  private Validator() {}

  /**
   * Validates the three files; {@code humanRequests} may be absent (the worker creates it), and
   * {@code runbook} may be null: its checks are then skipped.
   *
   * @throws IOException when a file cannot be read at all: missing, a directory, not UTF-8. Its
   *     message is one line naming the file.
   */
  public static List<Finding> validate(
      Path board, ArrayPath arrayPath, Path runbook, Path humanRequests) throws IOException {
    Objects.requireNonNull(board, "board == null");
    Objects.requireNonNull(arrayPath, "arrayPath == null");
    Objects.requireNonNull(humanRequests, "humanRequests == null");
    Optional<Path> perTask = BoardLayout.perTaskDirectory(board);
    if (perTask.isEmpty()) {
      TextFiles.requireUtf8(board, "--board");
    }
    if (runbook != null) {
      RunbookCheck.requireReadable(runbook);
    }
    if (Files.exists(humanRequests)) {
      TextFiles.requireUtf8(humanRequests, "--human-requests");
    }

    List<Finding> findings = new ArrayList<>();
    Path checked;
    List<BoardReader.Entry> tasks;
    if (perTask.isPresent()) {
      PerTaskCheck.Result read = PerTaskCheck.read(perTask.get());
      findings.addAll(read.findings());
      checked = read.index();
      tasks = read.tasks();
    } else {
      BoardReader.Result read = BoardReader.read(board, arrayPath);
      findings.addAll(read.findings());
      checked = board;
      tasks = read.tasks();
    }
    findings.addAll(BoardCheck.check(checked, tasks));
    List<String> types = List.of();
    if (runbook != null) {
      RunbookCheck.Result runbookChecked = RunbookCheck.check(runbook);
      findings.addAll(runbookChecked.findings());
      runbookChecked
          .runbook()
          .ifPresent(r -> findings.addAll(BoardCheck.sections(checked, tasks, r)));
      types = runbookChecked.runbook().map(BoardCheck::runbookTypes).orElse(List.of());
    }
    findings.addAll(BoardCheck.nearMisses(checked, tasks, types));
    findings.addAll(HumanRequestsCheck.check(humanRequests));
    findings.sort(Finding.ORDER);
    return List.copyOf(findings);
  }
}

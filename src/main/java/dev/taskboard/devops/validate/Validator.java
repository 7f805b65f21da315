package dev.taskboard.devops.validate;

import dev.taskboard.devops.board.ArrayPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a project's board, runbook and human-requests.md without changing anything, and returns
 * every finding, sorted by file and position.
 */
public final class Validator {
  private Validator() {}

  /**
   * Validates the three files; {@code humanRequests} may be absent (the worker creates it).
   *
   * @throws IOException when a file cannot be read at all: missing, a directory, not UTF-8. Its
   *     message is one line naming the file.
   */
  public static List<Finding> validate(
      Path board, ArrayPath arrayPath, Path runbook, Path humanRequests) throws IOException {
    Objects.requireNonNull(board, "board == null");
    Objects.requireNonNull(arrayPath, "arrayPath == null");
    Objects.requireNonNull(runbook, "runbook == null");
    Objects.requireNonNull(humanRequests, "humanRequests == null");
    TextFiles.requireUtf8(board, "--board");
    RunbookCheck.requireReadable(runbook);
    if (Files.exists(humanRequests)) {
      TextFiles.requireUtf8(humanRequests, "--human-requests");
    }

    List<Finding> findings = new ArrayList<>();
    BoardReader.Result read = BoardReader.read(board, arrayPath);
    findings.addAll(read.findings());
    findings.addAll(BoardCheck.check(board, read.tasks()));
    RunbookCheck.Result checked = RunbookCheck.check(runbook);
    findings.addAll(checked.findings());
    checked.runbook().ifPresent(r -> findings.addAll(BoardCheck.sections(board, read.tasks(), r)));
    findings.addAll(
        BoardCheck.nearMisses(
            board,
            read.tasks(),
            checked.runbook().map(BoardCheck::runbookTypes).orElse(List.of())));
    findings.addAll(HumanRequestsCheck.check(humanRequests));
    findings.sort(Finding.ORDER);
    return List.copyOf(findings);
  }
}

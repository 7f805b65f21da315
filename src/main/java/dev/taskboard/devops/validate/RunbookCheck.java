package dev.taskboard.devops.validate;

import dev.taskboard.devops.runbook.Phase;
import dev.taskboard.devops.runbook.Runbook;
import dev.taskboard.devops.runbook.RunbookException;
import dev.taskboard.devops.runbook.Section;
import dev.taskboard.devops.task.TaskType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runbook as the worker loads it, then what a loadable runbook may still lack: a section for
 * every task type the worker handles, a rollback for staging and production, a verify for every
 * deployment.
 */
final class RunbookCheck {
  /**
   * The task types the worker handles out of the box, in the order a runbook usually lists them.
   */
  static final List<String> TYPES =
      List.of(
          TaskType.DEPLOYMENT_STAGING.wireName(),
          TaskType.DEPLOYMENT_PRODUCTION.wireName(),
          TaskType.DEPLOYMENT_ROLLBACK.wireName(),
          TaskType.INFRASTRUCTURE_UPDATE.wireName(),
          TaskType.MONITORING_SETUP.wireName());

  private static final Pattern POSITION = Pattern.compile("^(\\d+):(\\d+): (.*)$", Pattern.DOTALL);

  /** The runbook when it loads (for checks against the board), and what is wrong with it. */
  record Result(Optional<Runbook> runbook, List<Finding> findings) {
    Result {
      findings = List.copyOf(findings);
    }
  }

  private RunbookCheck() {}

  /**
   * Requires {@code file} to be readable text.
   *
   * @throws UnreadableFileException when it is not
   */
  static void requireReadable(Path file) throws IOException {
    TextFiles.requireUtf8(file, "--runbook");
  }

  static Result check(Path file) throws IOException {
    Runbook runbook;
    try {
      runbook = Runbook.load(file);
    } catch (RunbookException e) {
      // The parser stops at its first error, so this is the only finding it can give.
      return new Result(Optional.empty(), List.of(finding(e, file)));
    }
    List<Finding> findings = new ArrayList<>();
    for (String type : TYPES) {
      Optional<Section> section = runbook.section(type);
      if (section.isEmpty()) {
        findings.add(
            Finding.at(
                file,
                Position.START,
                "no section for "
                    + type
                    + "; add a '## "
                    + type
                    + "' heading with ### deploy, ### verify and ### rollback steps (the worker"
                    + " blocks "
                    + type
                    + " tasks until it exists)"));
      }
    }
    for (Section section : runbook.sections()) {
      findings.addAll(phases(section));
    }
    return new Result(Optional.of(runbook), findings);
  }

  /** A missing rollback where a failed release must be undone; a deployment never verified. */
  private static List<Finding> phases(Section s) {
    Position at = new Position(s.line(), 1);
    List<Finding> findings = new ArrayList<>();
    TaskType type = TaskType.of(s.name());
    if (type.gate().isPresent() && !s.has(Phase.ROLLBACK)) {
      String gate =
          type.equals(TaskType.DEPLOYMENT_PRODUCTION)
              ? " and the production gate's rollback_plan check fails"
              : "";
      findings.add(
          Finding.at(
              s.file(),
              at,
              s.name()
                  + " has no rollback phase; add a '### rollback' with steps that bring back the"
                  + " previous release (without one, a failed deployment stays broken"
                  + gate
                  + ")"));
    }
    if (type.isDeployment() && !s.has(Phase.VERIFY)) {
      findings.add(
          Finding.at(
              s.file(),
              at,
              s.name()
                  + " has no verify phase; add a '### verify' with a health check, else a"
                  + " deployment counts as done without anything checking that it works"));
    }
    return findings;
  }

  /** The exception's {@code file:line:column: reason} as a finding (line 1 when it has none). */
  private static Finding finding(RunbookException e, Path fallback) {
    Path file = e.file() == null ? fallback : e.file();
    String message = e.getMessage();
    String prefix = file + ":";
    String rest = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    Matcher m = POSITION.matcher(rest);
    if (m.matches()) {
      return new Finding(file, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3));
    }
    return Finding.at(file, Position.START, rest.strip());
  }
}

package dev.taskboard.devops.cli;

import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.report.DeploymentReport;
import dev.taskboard.devops.report.ReportFile;
import dev.taskboard.devops.report.ReportFormat;
import dev.taskboard.devops.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code report}: deployment history and DORA figures per environment, from the journal. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Deployment history and DORA figures per environment (deployment frequency, lead time,"
            + " change failure rate, time to restore), from the worker's journal and the board.")
final class ReportCommand implements Callable<Integer> {
  @Mixin BoardCommand.BoardOptions board;
  @Mixin WorkerOptions.StateDir stateDir;
  @Spec CommandSpec spec;

  @Option(
      names = "--since",
      paramLabel = "DATE",
      description =
          "Only outcomes from then on: a date (2026-11-01, from 00:00 UTC) or a time"
              + " (2026-11-01T10:00:00Z). Default: the first deployment in the journal.")
  String since;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = FormatConverter.class,
      description = "text (a table for a terminal), json (one object) or html (one page).")
  ReportFormat format;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the report to FILE (replaced atomically) instead of stdout.")
  Path out;

  @Override
  public Integer call() throws IOException {
    Optional<Instant> from =
        since == null ? Optional.empty() : Optional.of(DeploymentReport.parseSince(since));
    WorkerConfig config = WorkerOptions.builder(Main.env(spec), board).stateDir(stateDir).config();
    Board board = config.openBoard();
    DeploymentReport report =
        DeploymentReport.load(
            config.stateDir().resolve("journal.jsonl"), board, from, config.clock());
    PrintWriter err = spec.commandLine().getErr();
    report.warnings().forEach(w -> err.println("devops-worker: warning: " + w));
    err.flush();
    String rendered = format.render(report);
    if (out == null) {
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.print(rendered);
      stdout.flush();
    } else {
      ReportFile.write(out, rendered);
    }
    return ExitCode.OK;
  }

  /** {@code --format} by its lower-case name. */
  static final class FormatConverter implements ITypeConverter<ReportFormat> {
    @Override
    public ReportFormat convert(String value) {
      return ReportFormat.of(value);
    }
  }
}

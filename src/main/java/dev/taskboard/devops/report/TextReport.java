package dev.taskboard.devops.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** The report as text for a terminal: the figures per environment, then the history. */
final class TextReport {
  private TextReport() {}

  static String render(DeploymentReport report) {
    StringBuilder out = new StringBuilder();
    DeploymentReport.Window w = report.window();
    if (report.isEmpty()) {
      out.append("No deployments yet")
          .append(w.since().map(s -> " since " + Times.minutes(s) + " UTC").orElse(""))
          .append(": the worker's journal records no finished deployment task.\n");
      return out.toString();
    }
    out.append("Deployments ")
        .append(Times.minutes(w.start()))
        .append(" to ")
        .append(Times.minutes(w.end()))
        .append(" UTC (")
        .append(Times.days(w.days()))
        .append(")\n\n");
    out.append(figures(report.environments())).append('\n');
    out.append(states(report.environments())).append('\n');
    out.append(history(report));
    return out.toString();
  }

  private static String figures(List<EnvironmentFigures> environments) {
    Table t =
        new Table(
            "environment",
            ">deploys",
            ">ok",
            ">failed",
            ">rolled back",
            ">per day",
            ">lead time median / p90",
            ">failure rate",
            ">time to restore");
    for (EnvironmentFigures f : environments) {
      t.row(
          clean(f.environment(), 20),
          String.valueOf(f.deployments()),
          String.valueOf(f.successful()),
          String.valueOf(f.failed()),
          String.valueOf(f.rolledBack()),
          String.format(Locale.ROOT, "%.2f", f.deploymentsPerDay()),
          f.leadTime().count() == 0
              ? "-"
              : hours(f.leadTime().median()) + " / " + hours(f.leadTime().p90()),
          f.changeFailureRate().isPresent() ? percent(f.changeFailureRate().getAsDouble()) : "-",
          f.timeToRestore().count() == 0 ? "-" : hours(f.timeToRestore().median()));
    }
    return t.render();
  }

  /** What each environment serves now: healthy, rolled back (healthy), down. */
  private static String states(List<EnvironmentFigures> environments) {
    Table t = new Table("environment", "now", "since (UTC)", "last outcome");
    for (EnvironmentFigures f : environments) {
      EnvironmentFigures.State s = f.state();
      t.row(
          clean(f.environment(), 20),
          s.health().label(),
          s.since().map(Times::minutes).orElse("-"),
          clean(s.cause(), 72));
    }
    return t.render();
  }

  private static String history(DeploymentReport report) {
    Table t =
        new Table("at (UTC)", "task", "environment", "release", "status", "outcome", "message");
    for (Deployment d : report.deployments()) {
      t.row(
          Times.minutes(d.at()),
          clean(d.task(), 24),
          clean(d.environment(), 20),
          clean(d.release(), 16),
          clean(d.status(), 12),
          d.outcomeLabel(),
          clean(
              d.approvedBy().isEmpty() ? d.message() : "[" + d.approvedBy() + "] " + d.message(),
              72));
    }
    return t.render();
  }

  static String percent(double rate) {
    double p = rate * 100;
    return p == Math.rint(p)
        ? String.format(Locale.ROOT, "%.0f%%", p)
        : String.format(Locale.ROOT, "%.1f%%", p);
  }

  private static String hours(OptionalDouble h) {
    return h.isPresent() ? Times.hours(h.getAsDouble()) : "-";
  }

  /**
   * Board text as one safe terminal line: control and format characters (escape sequences,
   * bidirectional overrides) become '?', and it is cut at {@code max} characters.
   */
  static String clean(String text, int max) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .forEach(
            c -> {
              int type = Character.getType(c);
              boolean unsafe =
                  type == Character.CONTROL
                      || type == Character.FORMAT
                      || type == Character.LINE_SEPARATOR
                      || type == Character.PARAGRAPH_SEPARATOR;
              out.appendCodePoint(unsafe ? '?' : c);
            });
    String s = out.toString().strip();
    return s.codePointCount(0, s.length()) <= max
        ? s
        : s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
  }

  /** Columns padded to their widest cell; a header starting with '>' aligns right. */
  private static final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] right;

    Table(String... headers) {
      right = new boolean[headers.length];
      String[] names = new String[headers.length];
      for (int i = 0; i < headers.length; i++) {
        right[i] = headers[i].startsWith(">");
        names[i] = right[i] ? headers[i].substring(1) : headers[i];
      }
      rows.add(names);
    }

    void row(String... cells) {
      rows.add(cells);
    }

    String render() {
      int[] widths = new int[right.length];
      for (String[] r : rows) {
        for (int i = 0; i < r.length; i++) {
          widths[i] = Math.max(widths[i], r[i].codePointCount(0, r[i].length()));
        }
      }
      StringBuilder out = new StringBuilder();
      for (String[] r : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
          String pad = " ".repeat(widths[i] - r[i].codePointCount(0, r[i].length()));
          line.append(i == 0 ? "" : "  ").append(right[i] ? pad + r[i] : r[i] + pad);
        }
        out.append(line.toString().stripTrailing()).append('\n');
      }
      return out.toString();
    }
  }
}

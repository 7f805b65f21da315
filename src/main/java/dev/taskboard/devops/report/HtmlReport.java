package dev.taskboard.devops.report;

import static dev.taskboard.devops.report.Html.escape;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The report as one self-contained HTML page: the figures per environment, the chart, the history.
 * No scripts and no external assets; every string that comes from the board or the journal is
 * escaped.
 */
final class HtmlReport {
  private static final String STYLE =
      """
      :root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
        --ok: %s; --fail: %s; --back: %s; }
      * { box-sizing: border-box; }
      body { margin: 0; color: var(--ink); background: #fff;
        font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
        sans-serif; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 40px; }
      h1 { font-size: 26px; margin: 0 0 2px; letter-spacing: -0.01em; }
      h2 { font-size: 18px; margin: 32px 0 12px; }
      .sub { color: var(--muted); margin: 0 0 22px; }
      .alert { border: 1px solid var(--fail); border-left-width: 5px; background: #ffebe9;
        padding: 10px 14px; border-radius: 6px; margin: 0 0 18px; }
      .envs { display: grid; grid-template-columns: repeat(auto-fit, minmax(330px, 1fr)); gap: 16px; }
      .env { border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px 18px;
        break-inside: avoid; }
      .env h3 { font-size: 17px; margin: 0; }
      .env .counts { color: var(--muted); font-size: 13px; margin: 2px 0 14px; }
      .figures { display: grid; grid-template-columns: 1fr 1fr; gap: 14px 18px; margin: 0; }
      .figures dt { font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em;
        color: var(--muted); }
      .figures dd { margin: 2px 0 0; font-size: 24px; font-weight: 650; }
      .figures dd small { display: block; font-size: 12.5px; font-weight: 400; color: var(--muted); }
      .chart { width: 100%%; height: auto; display: block; border: 1px solid var(--line);
        border-radius: 10px; font-family: inherit; }
      table { border-collapse: collapse; width: 100%%; font-size: 13.5px; }
      th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line);
        vertical-align: top; }
      th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted);
        font-weight: 600; white-space: nowrap; }
      td code { white-space: nowrap; }
      td.at, td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
      td.num { text-align: right; }
      td.msg { color: #31373d; overflow-wrap: anywhere; }
      tr { break-inside: avoid; }
      code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
      .pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px;
        font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
      .pill.success { color: var(--ok); } .pill.failed { color: var(--fail); }
      .pill.rolled_back { color: var(--back); } .pill.other { color: var(--muted); }
      .state { display: inline-block; margin-left: 8px; padding: 1px 9px; border-radius: 999px;
        font-size: 12.5px; font-weight: 600; vertical-align: 2px; color: #fff; }
      .state.healthy { background: var(--ok); } .state.rolled_back { background: var(--back); }
      .state.down { background: var(--fail); } .state.unknown { background: var(--muted); }
      .env .now { font-size: 13px; margin: 0 0 2px; }
      .empty { border: 1px dashed var(--line); border-radius: 10px; padding: 40px; text-align: center;
        background: var(--soft); }
      .empty strong { display: block; font-size: 22px; margin-bottom: 6px; }
      .warnings li, .notes li { color: var(--muted); font-size: 13px; }
      footer { margin-top: 34px; padding-top: 12px; border-top: 1px solid var(--line); }
      @media print { main { padding: 0; } h2 { break-after: avoid; } }
      """
          .formatted(SvgChart.SUCCESS, SvgChart.FAILED, SvgChart.ROLLED_BACK);

  private final DeploymentReport report;
  private final StringBuilder out = new StringBuilder();

  private HtmlReport(DeploymentReport report) {
    this.report = report;
  }

  static String render(DeploymentReport report) {
    return new HtmlReport(report).page();
  }

  private String page() {
    DeploymentReport.Window w = report.window();
    String span =
        Times.minutes(w.start())
            + " – "
            + Times.minutes(w.end())
            + " UTC"
            + " · "
            + Times.days(w.days());
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Deployment report · ")
        .append(escape(span))
        .append("</title>\n<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n<main>\n<h1>Deployment report</h1>\n<p class=\"sub\">");
    if (report.isEmpty()) {
      out.append(
              escape(
                  w.since().map(s -> "Since " + Times.minutes(s) + " UTC · ").orElse("")
                      + "generated "
                      + Times.minutes(report.generatedAt())
                      + " UTC"))
          .append("</p>\n<div class=\"empty\"><strong>No deployments yet</strong>")
          .append("The worker&#39;s journal records no finished deployment task")
          .append(escape(w.since().map(s -> " since " + Times.minutes(s) + " UTC").orElse("")))
          .append(".</div>\n");
    } else {
      out.append(escape(span))
          .append(" · generated ")
          .append(escape(Times.minutes(report.generatedAt())))
          .append(" UTC</p>\n");
      alerts();
      environments();
      out.append("<h2>Deployments over time</h2>\n").append(SvgChart.render(report));
      history();
    }
    warnings();
    definitions();
    out.append("</main>\n</body>\n</html>\n");
    return out.toString();
  }

  /** One alert per environment that is down now; a rolled-back one serves a healthy release. */
  private void alerts() {
    for (EnvironmentFigures f : report.environments()) {
      EnvironmentFigures.State s = f.state();
      if (s.health() == EnvironmentFigures.Health.DOWN) {
        out.append("<p class=\"alert\"><strong>")
            .append(escape(f.environment()))
            .append("</strong> is down")
            .append(escape(s.since().map(at -> " since " + Times.minutes(at) + " UTC").orElse("")))
            .append(": ")
            .append(escape(s.cause()))
            .append(".</p>\n");
      }
    }
  }

  private void environments() {
    out.append("<section class=\"envs\">\n");
    for (EnvironmentFigures f : report.environments()) {
      EnvironmentFigures.State state = f.state();
      out.append("<article class=\"env\">\n<h3>")
          .append(escape(f.environment()))
          .append("<span class=\"state ")
          .append(state.health().wireName())
          .append("\">")
          .append(escape(state.health().label()))
          .append("</span></h3>\n<p class=\"now\">")
          .append(
              escape(
                  state.since().map(at -> "Since " + Times.minutes(at) + " UTC: ").orElse("")
                      + state.cause()))
          .append("</p>\n<p class=\"counts\">")
          .append(
              escape(
                  plural(f.deployments(), "deployment")
                      + ": "
                      + f.successful()
                      + " successful, "
                      + f.failed()
                      + " failed, "
                      + f.rolledBack()
                      + " rolled back"))
          .append("</p>\n<dl class=\"figures\">\n");
      figure(
          "Deployment frequency",
          String.format(Locale.ROOT, "%.2f / day", f.deploymentsPerDay()),
          f.successful() + " successful in " + Times.days(report.window().days()));
      figure(
          "Lead time",
          hours(f.leadTime().median()),
          f.leadTime().count() == 0
              ? "no successful deployment with a created_at"
              : "median of " + f.leadTime().count() + " · p90 " + hours(f.leadTime().p90()));
      figure(
          "Change failure rate",
          f.changeFailureRate().isPresent()
              ? TextReport.percent(f.changeFailureRate().getAsDouble())
              : "–",
          f.deployments() == 0
              ? "no finished deployment"
              : (f.failed() + f.rolledBack())
                  + " of "
                  + f.deployments()
                  + " failed or rolled back");
      figure("Time to restore", hours(f.timeToRestore().median()), restoreDetail(f));
      out.append("</dl>\n</article>\n");
    }
    out.append("</section>\n");
  }

  private static String restoreDetail(EnvironmentFigures f) {
    String measured =
        f.timeToRestore().count() == 0
            ? "nothing to restore"
            : "median of " + plural(f.timeToRestore().count(), "restore");
    if (f.failingSince().isEmpty()) {
      return measured;
    }
    String open =
        f.state().health() == EnvironmentFigures.Health.DOWN
            ? "down now"
            : "no successful deployment since " + Times.minutes(f.failingSince().get()) + " UTC";
    return (f.timeToRestore().count() == 0 ? "" : measured + " · ") + open;
  }

  private void figure(String name, String value, String detail) {
    out.append("<div><dt>")
        .append(escape(name))
        .append("</dt><dd>")
        .append(escape(value))
        .append("<small>")
        .append(escape(detail))
        .append("</small></dd></div>\n");
  }

  private void history() {
    out.append("<h2>History</h2>\n<table>\n<thead><tr><th>At (UTC)</th><th>Task</th>")
        .append("<th>Environment</th><th>Release</th><th>Status</th><th>Outcome</th>")
        .append("<th>Lead time</th><th>Message</th></tr></thead>\n<tbody>\n");
    for (Deployment d : report.deployments()) {
      String pill = d.counted() ? d.outcome().wireName() : "other";
      out.append("<tr><td class=\"at\">")
          .append(escape(Times.minutes(d.at())))
          .append("</td><td><code>")
          .append(escape(d.task()))
          .append("</code></td><td>")
          .append(escape(d.environment()))
          .append("</td><td>")
          .append(escape(d.release()))
          .append("</td><td>")
          .append(escape(d.status()))
          .append("</td><td><span class=\"pill ")
          .append(pill)
          .append("\">")
          .append(escape(d.outcomeLabel()))
          .append("</span></td><td class=\"num\">")
          .append(escape(d.leadTime().map(Times::duration).orElse("")))
          .append("</td><td class=\"msg\">")
          .append(escape(shortened(d.message())))
          .append("</td></tr>\n");
    }
    out.append("</tbody>\n</table>\n");
  }

  private void warnings() {
    if (report.warnings().isEmpty()) {
      return;
    }
    out.append("<h2>Warnings</h2>\n<ul class=\"warnings\">\n");
    report.warnings().forEach(w -> out.append("<li>").append(escape(w)).append("</li>\n"));
    out.append("</ul>\n");
  }

  private void definitions() {
    out.append(
        """
        <footer>
        <ul class="notes">
        <li><b>Deployments</b> are outcomes of <code>deployment_*</code> tasks that reached a \
        deploy step; explicit <code>deployment_rollback</code> tasks and deployments held by a \
        gate or a human are listed in the history but not counted.</li>
        <li><b>Deployment frequency</b>: successful deployments per day of the window (at least \
        one day).</li>
        <li><b>Lead time</b>: from the task&#39;s <code>created_at</code> to its successful \
        outcome; median and 90th percentile (linear interpolation).</li>
        <li><b>Change failure rate</b>: failed or rolled-back deployments over all counted \
        deployments.</li>
        <li><b>Time to restore</b>: from the first failed deployment after a success to the next \
        successful deployment in the same environment; median.</li>
        <li><b>Health now</b>: <i>healthy</i> when the last deployment succeeded; <i>rolled back, \
        healthy</i> when it failed and its rollback worked (or a <code>deployment_rollback</code> \
        task succeeded), so the previous release serves; <i>down</i> when it failed and nothing \
        restored it (no rollback, or the rollback failed too).</li>
        </ul>
        </footer>
        """);
  }

  private static String hours(OptionalDouble h) {
    return h.isPresent() ? Times.hours(h.getAsDouble()) : "–";
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String shortened(String message) {
    return message.length() <= 600 ? message : message.substring(0, 599) + "…";
  }
}

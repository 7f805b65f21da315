package dev.taskboard.devops.report;

import dev.taskboard.devops.report.Deployment.Outcome;
import dev.taskboard.devops.report.EnvironmentFigures.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The deployments over time as inline SVG: a lane per environment, one mark per counted deployment
 * (shape and colour by outcome, a {@code <title>} tooltip), failing periods shaded, a legend.
 */
final class SvgChart {
  static final String SUCCESS = "#1a7f37";
  static final String FAILED = "#cf222e";
  static final String ROLLED_BACK = "#b35900";

  private static final int WIDTH = 1040;
  private static final int LABELS = 132;
  private static final int PAD = 18;
  private static final int RIGHT = 24;
  private static final int LEGEND = 44;
  private static final int LANE = 64;
  private static final int AXIS = 36;
  private static final int STAGGER = 15;
  private static final int MIN_GAP = 16;

  private final DeploymentReport report;
  private final List<Deployment> counted;
  private final TimeAxis axis;
  private final StringBuilder out = new StringBuilder();

  private SvgChart(DeploymentReport report) {
    this.report = report;
    this.counted = report.counted();
    // The axis fits the marks, not the window: three minutes of deployments fill the chart as
    // three months do. Without a counted deployment, the history's rows place it.
    List<Deployment> shown = counted.isEmpty() ? report.deployments() : counted;
    this.axis = TimeAxis.fit(shown.stream().map(Deployment::at).toList());
  }

  static String render(DeploymentReport report) {
    return new SvgChart(report).svg();
  }

  private String svg() {
    List<EnvironmentFigures> lanes = report.environments();
    int axisY = LEGEND + lanes.size() * LANE;
    int height = axisY + AXIS;
    out.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
                + " role=\"img\" aria-label=\"%s\">\n",
            WIDTH,
            height,
            Html.escape(counted.size() + " deployments over time, one lane per environment")));
    legend();
    for (int i = 0; i < lanes.size(); i++) {
      lane(lanes.get(i), LEGEND + i * LANE, i);
    }
    axis(axisY);
    for (int i = 0; i < lanes.size(); i++) {
      marks(lanes.get(i), LEGEND + i * LANE + LANE / 2);
    }
    out.append("</svg>\n");
    return out.toString();
  }

  private void legend() {
    int x = LABELS + PAD;
    int y = 20;
    long ok = count(Outcome.SUCCESS);
    long failed = count(Outcome.FAILED);
    long back = count(Outcome.ROLLED_BACK);
    out.append("<g class=\"legend\" font-size=\"13\" fill=\"#1f2328\">\n");
    out.append(shape(Outcome.SUCCESS, x, y))
        .append(text(x + 14, y + 4, "start", "success (" + ok + ")"));
    out.append(shape(Outcome.FAILED, x + 140, y))
        .append(text(x + 154, y + 4, "start", "failed (" + failed + ")"));
    out.append(shape(Outcome.ROLLED_BACK, x + 270, y))
        .append(text(x + 284, y + 4, "start", "rolled back (" + back + ")"));
    out.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"22\" height=\"14\" rx=\"2\" fill=\"%s\""
                    + " fill-opacity=\"0.14\" stroke=\"%s\" stroke-opacity=\"0.35\"/>",
                x + 420,
                y - 7,
                FAILED,
                FAILED))
        .append(text(x + 450, y + 4, "start", "failing until the next successful deployment"))
        .append("\n</g>\n");
  }

  private void lane(EnvironmentFigures f, int top, int index) {
    if (index % 2 == 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"lane\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f6f8fa\"/>\n",
              top,
              WIDTH,
              LANE));
    }
    // An open incident runs to the axis's end: nothing has closed it yet.
    int x1 = x(axis.end());
    for (EnvironmentFigures.Incident i : f.incidents()) {
      int from = x(i.failedAt());
      int to = i.restoredAt().map(this::x).orElse(x1);
      out.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"incident\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\""
                  + " fill-opacity=\"%s\"><title>%s</title></rect>\n",
              from,
              top + 8,
              Math.max(2, to - from),
              LANE - 16,
              FAILED,
              // Paler while a rollback keeps the previous release serving.
              i.restoredAt().isEmpty() && f.state().health() != Health.DOWN ? "0.07" : "0.14",
              Html.escape(f.environment() + ": " + incidentTitle(f, i))));
    }
    String name = TextReport.clean(f.environment(), 16);
    out.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"14\" font-weight=\"600\""
                + " fill=\"#1f2328\"><title>%s</title>%s</text>\n",
            LABELS - 10,
            top + LANE / 2 + 5,
            Html.escape(f.environment()),
            Html.escape(name)));
  }

  private static String incidentTitle(EnvironmentFigures f, EnvironmentFigures.Incident i) {
    if (i.restoredAt().isPresent()) {
      Instant r = i.restoredAt().get();
      return "Failing from "
          + Times.minutes(i.failedAt())
          + " to "
          + Times.minutes(r)
          + " UTC: restored after "
          + Times.duration(Duration.between(i.failedAt(), r));
    }
    return "No successful deployment since "
        + Times.minutes(i.failedAt())
        + " UTC; now "
        + f.state().health().label()
        + " ("
        + f.state().cause()
        + ")";
  }

  private void axis(int y) {
    out.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#8c959f\"/>\n",
            LABELS,
            y,
            WIDTH - RIGHT,
            y));
    out.append("<g class=\"axis\" font-size=\"12\" fill=\"#59636e\">\n");
    for (TimeAxis.Tick tick : axis.ticks()) {
      int x = x(tick.at());
      out.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d1d9e0\""
                  + " stroke-dasharray=\"3 3\"/>",
              x,
              LEGEND,
              x,
              y + 4));
      out.append(text(x, y + 20, "middle", tick.label())).append('\n');
    }
    out.append(text(LABELS - 10, y + 20, "end", "UTC")).append("\n</g>\n");
  }

  private void marks(EnvironmentFigures f, int center) {
    int[] offsets = {0, -STAGGER, STAGGER};
    int[] lastX = {Integer.MIN_VALUE / 2, Integer.MIN_VALUE / 2, Integer.MIN_VALUE / 2};
    for (Deployment d : counted) {
      if (!d.environment().equals(f.environment())) {
        continue;
      }
      int x = x(d.at());
      int row = 0;
      for (int r = 0; r < offsets.length; r++) {
        if (x - lastX[r] >= MIN_GAP) {
          row = r;
          break;
        }
        if (lastX[r] < lastX[row]) {
          row = r;
        }
      }
      lastX[row] = x;
      out.append("<g class=\"mark ")
          .append(d.outcome().wireName())
          .append("\" data-task=\"")
          .append(Html.escape(d.task()))
          .append("\"><title>")
          .append(Html.escape(tooltip(d)))
          .append("</title>")
          .append(shape(d.outcome(), x, center + offsets[row]))
          .append("</g>\n");
    }
  }

  static String tooltip(Deployment d) {
    StringBuilder t = new StringBuilder();
    t.append(d.task())
        .append(" — ")
        .append(d.environment())
        .append(", ")
        .append(d.outcome().label());
    t.append('\n').append(Times.minutes(d.at())).append(" UTC, ").append(d.status());
    if (!d.release().isEmpty()) {
      t.append(", release ").append(d.release());
    }
    d.leadTime().ifPresent(l -> t.append(", lead time ").append(Times.duration(l)));
    if (!d.message().isEmpty()) {
      t.append('\n').append(TextReport.clean(d.message(), 300));
    }
    return t.toString();
  }

  /** Circle: success; diamond: failed; left-pointing triangle: rolled back. */
  static String shape(Outcome outcome, int x, int y) {
    return switch (outcome) {
      case SUCCESS ->
          String.format(
              Locale.ROOT,
              "<circle cx=\"%d\" cy=\"%d\" r=\"6.5\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
              x,
              y,
              SUCCESS);
      case FAILED ->
          String.format(
              Locale.ROOT,
              "<path d=\"M%d %dl8 8l-8 8l-8 -8z\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
              x,
              y - 8,
              FAILED);
      case ROLLED_BACK, NOT_DEPLOYED ->
          String.format(
              Locale.ROOT,
              "<path d=\"M%d %dl0 15l-15 -7.5z\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
              x + 7,
              y - 7,
              ROLLED_BACK);
    };
  }

  private long count(Outcome outcome) {
    return counted.stream().filter(d -> d.outcome() == outcome).count();
  }

  private int x(Instant at) {
    int x0 = LABELS + PAD;
    int x1 = WIDTH - RIGHT - PAD;
    return (int) Math.round(x0 + axis.fraction(at) * (x1 - x0));
  }

  private static String text(int x, int y, String anchor, String text) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>",
        x,
        y,
        anchor,
        Html.escape(text));
  }
}

package dev.taskboard.devops.report;

import java.util.Locale;

/** How a report is written: a table for a terminal, one JSON object, or one self-contained page. */
public enum ReportFormat {
  /** Figures per environment, then the history, as tables for a terminal. */
  TEXT,
  /** One JSON object; the schema is in the javadoc of {@code JsonReport}. */
  JSON,
  /** One self-contained page: figures, an inline SVG chart, the history. No scripts. */
  HTML;

  /** The name on the command line: {@code text}, {@code json}, {@code html}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The format named {@code name}, ignoring case.
   *
   * @throws IllegalArgumentException naming the formats there are
   */
  public static ReportFormat of(String name) {
    for (ReportFormat f : values()) {
      if (f.wireName().equalsIgnoreCase(name.strip())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown report format '" + name + "'; use text, json or html");
  }

  /** The report in this format. */
  public String render(DeploymentReport report) {
    return switch (this) {
      case TEXT -> TextReport.render(report);
      case JSON -> JsonReport.render(report);
      case HTML -> HtmlReport.render(report);
    };
  }
}

package dev.taskboard.devops.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three renderings of the known-answer history: JSON schema, text table, HTML page. */
class ReportFormatTest {
  private static final Optional<Instant> NOVEMBER =
      Optional.of(Instant.parse("2026-11-01T00:00:00Z"));

  @TempDir Path dir;

  @Test
  void json_followsTheDocumentedSchema() throws IOException {
    DeploymentReport report = Fixture.knownAnswers(dir).write().report(NOVEMBER);

    JsonNode json = Json.parse(ReportFormat.JSON.render(report));

    assertEquals(
        List.of("schema", "generated_at", "window", "environments", "deployments", "warnings"),
        names(json));
    assertEquals("devops-worker/report/1", json.path("schema").asText());
    assertEquals(
        Json.parse(
            "{\"since\": \"2026-11-01T00:00:00Z\", \"start\": \"2026-11-01T00:00:00Z\","
                + " \"end\": \"2026-11-11T00:00:00Z\", \"days\": 10.0}"),
        json.path("window"));
    assertEquals(
        Json.parse(
            """
            {"environment": "production", "deployments": 6, "successful": 3, "failed": 1,
             "rolled_back": 2, "deployments_per_day": 0.3,
             "lead_time_hours": {"count": 3, "median": 12.0, "p90": 18.4},
             "change_failure_rate": 0.5,
             "time_to_restore_hours": {"count": 1, "median": 4.0, "p90": 4.0},
             "failing_since": "2026-11-10T00:00:00Z",
             "incidents": [
               {"failed_at": "2026-11-07T02:00:00Z", "restored_at": "2026-11-07T06:00:00Z",
                "hours": 4.0, "seconds": 14400.0},
               {"failed_at": "2026-11-10T00:00:00Z", "restored_at": null, "hours": null,
                "seconds": null}],
             "lead_time_seconds": {"count": 3, "median": 43200.0, "p90": 66240.0},
             "time_to_restore_seconds": {"count": 1, "median": 14400.0, "p90": 14400.0},
             "state": {"health": "rolled_back", "since": "2026-11-10T00:00:00Z", "task": "P7",
                       "cause": "P7 failed and was rolled back"}}
            """),
        json.path("environments").get(0));
    assertEquals(
        Json.parse(
            """
            {"environment": "staging", "deployments": 5, "successful": 4, "failed": 0,
             "rolled_back": 1, "deployments_per_day": 0.4,
             "lead_time_hours": {"count": 4, "median": 5.0, "p90": 7.4},
             "change_failure_rate": 0.2,
             "time_to_restore_hours": {"count": 1, "median": 24.0, "p90": 24.0},
             "failing_since": null,
             "incidents": [
               {"failed_at": "2026-11-04T06:00:00Z", "restored_at": "2026-11-05T06:00:00Z",
                "hours": 24.0, "seconds": 86400.0}],
             "lead_time_seconds": {"count": 4, "median": 18000.0, "p90": 26640.0},
             "time_to_restore_seconds": {"count": 1, "median": 86400.0, "p90": 86400.0},
             "state": {"health": "healthy", "since": "2026-11-05T06:00:00Z", "task": "S5",
                       "cause": "S5 deployed"}}
            """),
        json.path("environments").get(1));
    assertEquals(16, json.path("deployments").size());
    assertEquals(
        Json.parse(
            """
            {"task": "P4", "type": "deployment_production", "environment": "production",
             "release": "1.11.0", "at": "2026-11-07T06:00:00Z", "status": "deployed",
             "outcome": "success", "counted": true, "rollback_performed": false, "attempts": 1,
             "created_at": "2026-11-07T04:00:00Z", "lead_time_hours": 2.0,
             "message": "deployed P4", "rollback": "none", "lead_time_seconds": 7200.0}
            """),
        json.path("deployments").get(10));
    for (JsonNode d : json.path("deployments")) {
      assertEquals(names(json.path("deployments").get(10)), names(d), d.toString());
    }
    assertEquals(
        "GONE-1: an outcome in the journal, but the task is no longer on the board; left out",
        json.path("warnings").get(0).asText());
  }

  @Test
  void json_nothingMeasuredIsNull() throws IOException {
    Fixture f =
        new Fixture(dir)
            .task("T-1", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .blocked("T-1", "2026-11-02T01:00:00Z")
            .write();

    JsonNode staging = Json.parse(ReportFormat.JSON.render(f.report())).path("environments").get(0);

    assertEquals(0, staging.path("deployments").asInt());
    assertTrue(staging.path("change_failure_rate").isNull());
    assertTrue(staging.path("lead_time_hours").path("median").isNull());
    assertTrue(staging.path("time_to_restore_hours").path("p90").isNull());
  }

  @Test
  void text_isACompactTableOfTheFiguresThenTheHistory() throws IOException {
    DeploymentReport report = Fixture.knownAnswers(dir).write().report(NOVEMBER);

    String text = ReportFormat.TEXT.render(report);

    assertTrue(
        text.startsWith(
            """
            Deployments 2026-11-01 00:00 to 2026-11-11 00:00 UTC (10 days)

            environment  deploys  ok  failed  rolled back  per day  lead time median / p90  failure rate  time to restore
            production         6   3       1            2     0.30             12h / 18.4h           50%               4h
            staging            5   4       0            1     0.40               5h / 7.4h           20%              24h

            environment  now                   since (UTC)       last outcome
            production   rolled back, healthy  2026-11-10 00:00  P7 failed and was rolled back
            staging      healthy               2026-11-05 06:00  S5 deployed

            at (UTC)          task  environment  release  status    outcome        message
            2026-11-02 01:00  P1    production   1.8.0    blocked   not deployed   blocked P1
            """),
        text);
    assertTrue(
        text.contains(
            "2026-11-08 06:00  R1    production   1.15.0   done      rollback task  done R1\n"),
        text);
  }

  @Test
  void text_turnsEscapeSequencesAndBidiOverridesIntoQuestionMarks() throws IOException {
    Fixture f =
        new Fixture(dir)
            .task("T-1", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .deployedSaying("T-1", "2026-11-02T01:00:00Z", "\u001b[2Jcleared\u202eevil\nline")
            .write();

    String text = ReportFormat.TEXT.render(f.report());

    assertTrue(text.contains("?[2Jcleared?evil?line\n"), text);
    assertFalse(text.contains("\u001b"));
  }

  @Test
  void html_escapesEveryStringAgentsWrote() throws IOException {
    Fixture f =
        new Fixture(dir)
            .task("T-\"<1>", "deployment_staging", "2026-11-02T00:00:00Z", "<b>qa</b>")
            .deployedSaying("T-\"<1>", "2026-11-02T01:00:00Z", "<script>alert(\"x\")</script>")
            .task(
                "T-2",
                "deployment_staging",
                "2026-11-02T00:00:00Z",
                "'><img src=x onerror=alert(1)>")
            .failed("T-2", "2026-11-02T02:00:00Z", true)
            .write();

    String html = ReportFormat.HTML.render(f.report());

    assertFalse(html.contains("<script"), "no script element, and the message's is escaped");
    assertFalse(html.contains("<img"));
    assertFalse(html.contains("<b>qa"));
    assertFalse(html.contains("T-\"<1>"));
    assertEquals(
        2,
        count(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
        "in the history and in the mark's tooltip");
    assertTrue(html.contains("data-task=\"T-&quot;&lt;1&gt;\""), html);
    assertTrue(html.contains("&#39;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assertTrue(html.contains("&lt;b&gt;qa&lt;/b&gt;"));
  }

  @Test
  void html_isOneSelfContainedPageWithOneMarkPerCountedDeployment() throws IOException {
    DeploymentReport report = Fixture.knownAnswers(dir).write().report(NOVEMBER);

    String html = ReportFormat.HTML.render(report);

    for (String external : List.of("<script", " src=", " href=", "url(", "@import", "<link")) {
      assertFalse(html.contains(external), external);
    }
    assertEquals(1, count(html, "<svg"));
    assertEquals(
        sorted(
            "S1:success",
            "P1:success",
            "S2:success",
            "S3:rolled_back",
            "S4:success",
            "S5:success",
            "P2:failed",
            "P3:rolled_back",
            "P4:success",
            "P6:success",
            "P7:rolled_back"),
        sorted(marks(html).toArray(String[]::new)));
    assertTrue(html.contains("<title>P3 — production, rolled back\n2026-11-07 04:00 UTC, failed"));
  }

  @Test
  void html_withoutDeploymentsSaysSo() throws IOException {
    String html = ReportFormat.HTML.render(new Fixture(dir).report(NOVEMBER));

    assertTrue(html.contains("<strong>No deployments yet</strong>"), html);
    assertTrue(html.contains("finished deployment task since 2026-11-01 00:00 UTC."), html);
    assertFalse(html.contains("<svg"));
  }

  /** "task:outcome" of every mark, in document order (lane by lane). */
  static List<String> marks(String html) {
    Matcher m = Pattern.compile("<g class=\"mark ([a-z_]+)\" data-task=\"([^\"]*)\"").matcher(html);
    List<String> marks = new ArrayList<>();
    while (m.find()) {
      marks.add(m.group(2) + ":" + m.group(1));
    }
    return marks;
  }

  private static List<String> sorted(String... items) {
    return java.util.Arrays.stream(items).sorted().toList();
  }

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> i = node.fieldNames(); i.hasNext(); ) {
      names.add(i.next());
    }
    return names;
  }
}

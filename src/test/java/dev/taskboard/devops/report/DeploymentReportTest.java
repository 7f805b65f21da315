package dev.taskboard.devops.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.report.EnvironmentFigures.Incident;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The figures of a hand-written journal and board, against answers worked out by hand. */
class DeploymentReportTest {
  private static final Optional<Instant> NOVEMBER =
      Optional.of(Instant.parse("2026-11-01T00:00:00Z"));

  @TempDir Path dir;

  @Test
  void staging_frequencyLeadTimeFailureRateAndRestore() throws IOException {
    DeploymentReport report = Fixture.knownAnswers(dir).write().report(NOVEMBER);

    EnvironmentFigures staging = environment(report, "staging");
    assertEquals(10.0, report.window().days());
    assertEquals(4, staging.successful()); // S1, S2, S4, S5
    assertEquals(0, staging.failed());
    assertEquals(1, staging.rolledBack()); // S3
    assertEquals(5, staging.deployments()); // S6 failed its pre-check: not deployed
    assertEquals(0.4, staging.deploymentsPerDay()); // 4 in 10 days
    // lead times 2, 4, 6, 8 h: median 5; p90 at rank 2.7 → 6 + 0.7 × 2
    assertEquals(4, staging.leadTime().count());
    assertEquals(5.0, staging.leadTime().median().getAsDouble());
    assertEquals(7.4, JsonReport.round(staging.leadTime().p90().getAsDouble()));
    assertEquals(0.2, staging.changeFailureRate().getAsDouble()); // 1 of 5
    assertEquals(List.of(at("2026-11-04T06:00:00Z", "2026-11-05T06:00:00Z")), staging.incidents());
    assertEquals(1, staging.timeToRestore().count());
    assertEquals(24.0, staging.timeToRestore().median().getAsDouble());
    assertEquals(Optional.empty(), staging.failingSince());
  }

  @Test
  void production_countsFailuresInARowAsOneIncidentAndKeepsTheLastOneOpen() throws IOException {
    DeploymentReport report = Fixture.knownAnswers(dir).write().report(NOVEMBER);

    EnvironmentFigures production = environment(report, "production");
    assertEquals(3, production.successful()); // P1 (after its gate), P4, P6
    assertEquals(1, production.failed()); // P2
    assertEquals(2, production.rolledBack()); // P3, P7
    assertEquals(6, production.deployments()); // P1's block and P5's rejection do not count
    assertEquals(0.3, production.deploymentsPerDay());
    // lead times 12, 2, 20 h: median 12; p90 at rank 1.8 → 12 + 0.8 × 8
    assertEquals(3, production.leadTime().count());
    assertEquals(12.0, production.leadTime().median().getAsDouble());
    assertEquals(18.4, JsonReport.round(production.leadTime().p90().getAsDouble()));
    assertEquals(0.5, production.changeFailureRate().getAsDouble()); // 3 of 6
    assertEquals(
        List.of(
            at("2026-11-07T02:00:00Z", "2026-11-07T06:00:00Z"), // P2, P3 → P4
            new Incident(Instant.parse("2026-11-10T00:00:00Z"), Optional.empty())), // P7
        production.incidents());
    assertEquals(1, production.timeToRestore().count());
    assertEquals(4.0, production.timeToRestore().median().getAsDouble());
    assertEquals(Optional.of(Instant.parse("2026-11-10T00:00:00Z")), production.failingSince());
  }

  @Test
  void history_listsEveryDeploymentOutcomeButCountsOnlyDeploymentsOfAChange() throws IOException {
    DeploymentReport report = Fixture.knownAnswers(dir).write().report(NOVEMBER);

    assertEquals(
        List.of(
            "P1:not_deployed",
            "S1:success",
            "P1:success",
            "S2:success",
            "S3:rolled_back",
            "S4:success",
            "S5:success",
            "S6:not_deployed",
            "P2:failed",
            "P3:rolled_back",
            "P4:success",
            "P5:not_deployed",
            "P5:not_deployed",
            "R1:success",
            "P6:success",
            "P7:rolled_back"),
        Fixture.ids(report.deployments()),
        "I1 is not a deployment task; GONE-1 is not on the board; S0 is before --since");
    assertEquals(11, report.counted().size());
    Deployment rollbackTask = find(report, "R1");
    assertFalse(rollbackTask.counted());
    assertEquals("production", rollbackTask.environment());
    assertEquals("rollback task", rollbackTask.outcomeLabel());
    assertEquals(List.of("production", "staging"), names(report));
    assertEquals(
        List.of(
            "GONE-1: an outcome in the journal, but the task is no longer on the board; left out"),
        report.warnings());
  }

  @Test
  void history_takesStatusMessageAttemptsAndReleaseFromTheOutcomeAndTheBoard() throws IOException {
    DeploymentReport report = Fixture.knownAnswers(dir).write().report(NOVEMBER);

    Deployment p3 = find(report, "P3");
    assertEquals("deployment_production", p3.type());
    assertEquals("production", p3.environment()); // from the type: no payload.environment
    assertEquals("failed", p3.status());
    assertTrue(p3.rollbackPerformed());
    assertEquals(2, p3.attempts());
    assertEquals("failed P3", p3.message());
    assertEquals("1.10.0", p3.release());
    assertEquals(Instant.parse("2026-11-07T04:00:00Z"), p3.at());
    assertEquals(Optional.of(Instant.parse("2026-11-07T00:00:00Z")), p3.createdAt());
    assertEquals(Optional.empty(), p3.leadTime());
  }

  @Test
  void since_aDateStartsAtUtcMidnight() throws IOException {
    Fixture f = Fixture.knownAnswers(dir).write();

    DeploymentReport report = f.report(Optional.of(DeploymentReport.parseSince("2026-11-05")));

    assertEquals(Instant.parse("2026-11-05T00:00:00Z"), report.window().start());
    assertEquals(6.0, report.window().days());
    EnvironmentFigures staging = environment(report, "staging");
    assertEquals(2, staging.successful()); // S4, S5
    assertEquals(0, staging.rolledBack()); // S3 is before the window
    assertEquals(2 / 6.0, staging.deploymentsPerDay());
    assertEquals(List.of(), staging.incidents(), "its failure was before the window");
    assertEquals(List.of(6.0, 8.0), leadTimes(report, "staging"));
  }

  @Test
  void since_aTimeIsInclusive() throws IOException {
    Fixture f = Fixture.knownAnswers(dir).write();

    DeploymentReport report =
        f.report(Optional.of(DeploymentReport.parseSince("2026-11-07T04:00:00Z")));

    assertEquals(
        List.of("P3", "P4", "P5", "P5", "R1", "P6", "P7"),
        report.deployments().stream().map(Deployment::task).toList());
    EnvironmentFigures production = environment(report, "production");
    assertEquals(
        List.of(at("2026-11-07T04:00:00Z", "2026-11-07T06:00:00Z"), open("2026-11-10T00:00:00Z")),
        production.incidents());
    assertEquals(2.0, production.timeToRestore().median().getAsDouble());
    assertEquals(List.of("production"), names(report), "staging has nothing since");
  }

  @Test
  void noSince_theWindowStartsAtTheFirstDeploymentOutcome() throws IOException {
    DeploymentReport report = Fixture.knownAnswers(dir).write().report();

    assertEquals(Instant.parse("2026-10-30T12:00:00Z"), report.window().start());
    assertEquals(11.5, report.window().days());
    EnvironmentFigures staging = environment(report, "staging");
    assertEquals(5, staging.successful());
    assertEquals(0.4348, JsonReport.round(staging.deploymentsPerDay())); // 5 / 11.5
    // lead times 1, 2, 4, 6, 8 h: median 4; p90 at rank 3.6 → 6 + 0.6 × 2
    assertEquals(4.0, staging.leadTime().median().getAsDouble());
    assertEquals(7.2, JsonReport.round(staging.leadTime().p90().getAsDouble()));
  }

  @Test
  void window_isAtLeastOneDaySoADaysDeploymentsAreNotARateOf24() throws IOException {
    Fixture f =
        new Fixture(dir)
            .task("T-1", "deployment_staging", "2026-11-10T22:00:00Z", null)
            .deployed("T-1", "2026-11-10T23:00:00Z")
            .write();

    DeploymentReport report = f.report();

    assertEquals(1.0, report.window().days());
    assertEquals(1.0, environment(report, "staging").deploymentsPerDay());
  }

  @Test
  void environment_isPayloadEnvironmentElseTheTypesSuffix() throws IOException {
    Fixture f =
        new Fixture(dir)
            .task("A", "deployment_staging", "2026-11-01T00:00:00Z", "staging-eu")
            .task("B", "deployment_canary", "2026-11-01T00:00:00Z", null)
            .task("C", "deployment_rollback", "2026-11-01T00:00:00Z", null)
            .deployed("A", "2026-11-02T00:00:00Z")
            .deployed("B", "2026-11-02T00:00:00Z")
            .deployed("C", "2026-11-02T00:00:00Z")
            .write();

    DeploymentReport report = f.report();

    assertEquals(List.of("canary", "staging-eu"), names(report));
    assertEquals("unknown", find(report, "C").environment());
  }

  @Test
  void leadTime_isLeftOutWithoutAReadableCreatedAt() throws IOException {
    Fixture f =
        new Fixture(dir)
            .task("A", "deployment_staging", "yesterday", null)
            .task("B", "deployment_staging", "2026-11-02T01:30:00+01:00", null)
            .task("C", "deployment_staging", "2026-11-02", null)
            .deployed("A", "2026-11-02T03:00:00Z")
            .deployed("B", "2026-11-02T03:00:00Z")
            .deployed("C", "2026-11-02T03:00:00Z")
            .write();

    DeploymentReport report = f.report();

    assertEquals(Optional.empty(), find(report, "A").leadTime());
    assertEquals(List.of(2.5, 3.0), leadTimes(report, "staging"));
    assertEquals(2, environment(report, "staging").leadTime().count());
  }

  @Test
  void journal_tornLastLineIsSkippedWithAWarning() throws IOException {
    Fixture f =
        new Fixture(dir)
            .task("T-1", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .deployed("T-1", "2026-11-02T01:00:00Z")
            .line("{\"ts\":\"2026-11-02T02:00:00Z\",\"event\":\"outcome\",\"task\":\"T-")
            .write();

    DeploymentReport report = f.report();

    assertEquals(List.of("T-1:success"), Fixture.ids(report.deployments()));
    assertEquals(
        List.of(
            f.journal
                + ":5: skipped a journal line it cannot use (not a whole JSON object: torn by a"
                + " crash, or edited)"),
        report.warnings());
  }

  @Test
  void journal_lineTornInsideAMultiByteCharacterSpoilsOnlyThatLine() throws IOException {
    Fixture f =
        new Fixture(dir)
            .task("T-1", "deployment_staging", "2026-11-02T00:00:00Z", null)
            .deployed("T-1", "2026-11-02T01:00:00Z")
            .write();
    byte[] torn =
        "{\"ts\":\"2026-11-02T02:00:00Z\",\"message\":\"Grüß".getBytes(StandardCharsets.UTF_8);
    Files.write(
        f.journal, Arrays.copyOf(torn, torn.length - 1), java.nio.file.StandardOpenOption.APPEND);

    DeploymentReport report = f.report();

    assertEquals(List.of("T-1:success"), Fixture.ids(report.deployments()));
    assertEquals(1, report.warnings().size(), report.warnings().toString());
  }

  @Test
  void emptyJournal_isNoDeploymentsYetAndNeedsNoBoard() throws IOException {
    Fixture f = new Fixture(dir);
    Files.createDirectories(f.journal.getParent());
    Files.writeString(f.journal, "");

    DeploymentReport report = f.report(); // tasks.json was never written

    assertTrue(report.isEmpty());
    assertEquals(List.of(), report.environments());
    assertEquals(Fixture.NOW, report.window().start());
    assertEquals(
        "No deployments yet: the worker's journal records no finished deployment task.\n",
        ReportFormat.TEXT.render(report));
  }

  @Test
  void missingJournal_isAnEmptyOne() throws IOException {
    DeploymentReport report = new Fixture(dir).report(NOVEMBER);

    assertTrue(report.isEmpty());
    assertEquals(
        "No deployments yet since 2026-11-01 00:00 UTC: the worker's journal records no finished"
            + " deployment task.\n",
        ReportFormat.TEXT.render(report));
  }

  @Test
  void parseSince_refusesAnythingButADateOrAZonedTime() {
    for (String bad : List.of("yesterday", "2026-11-01T10:00:00", "11/01/2026", "")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> DeploymentReport.parseSince(bad));
      assertEquals(
          "--since takes a date such as 2026-11-01 or a time such as 2026-11-01T10:00:00Z, not '"
              + bad
              + "'",
          e.getMessage());
    }
    assertEquals(
        Instant.parse("2026-11-01T08:00:00Z"),
        DeploymentReport.parseSince("2026-11-01T10:00:00+02:00"));
  }

  @Test
  void percentile_interpolatesBetweenClosestRanks() {
    assertEquals(OptionalDouble.empty(), EnvironmentFigures.Hours.percentile(List.of(), 0.5));
    assertEquals(OptionalDouble.of(3.0), EnvironmentFigures.Hours.percentile(List.of(3.0), 0.9));
    assertEquals(
        OptionalDouble.of(2.5),
        EnvironmentFigures.Hours.percentile(List.of(1.0, 2.0, 3.0, 4.0), 0.5));
    assertEquals(
        OptionalDouble.of(9.1),
        EnvironmentFigures.Hours.percentile(
            List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0), 0.9));
  }

  private static Incident at(String failed, String restored) {
    return new Incident(Instant.parse(failed), Optional.of(Instant.parse(restored)));
  }

  private static Incident open(String failed) {
    return new Incident(Instant.parse(failed), Optional.empty());
  }

  private static EnvironmentFigures environment(DeploymentReport report, String name) {
    return report.environments().stream()
        .filter(e -> e.environment().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + names(report)));
  }

  private static List<String> names(DeploymentReport report) {
    return report.environments().stream().map(EnvironmentFigures::environment).toList();
  }

  private static Deployment find(DeploymentReport report, String task) {
    return report.deployments().stream()
        .filter(d -> d.task().equals(task))
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  private static List<Double> leadTimes(DeploymentReport report, String environment) {
    return report.deployments().stream()
        .filter(d -> d.environment().equals(environment))
        .flatMap(d -> d.leadTime().stream())
        .map(Times::hoursOf)
        .toList();
  }
}

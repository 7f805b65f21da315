package dev.taskboard.devops.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskboard.devops.board.ArrayPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoardCheckTest {
  @TempDir Path dir;

  @Test
  void suggestion_nearMissOfAHandledType_namesTheTypeMeant() {
    assertEquals(Optional.of("deployment_staging"), BoardCheck.suggestion("deploy-staging"));
    assertEquals(
        Optional.of("deployment_production"), BoardCheck.suggestion("Deployment_Production"));
    assertEquals(
        Optional.of("deployment_production"), BoardCheck.suggestion("deploy to production"));
    assertEquals(Optional.of("infrastructure_update"), BoardCheck.suggestion("infra_update"));
    assertEquals(Optional.of("monitoring_setup"), BoardCheck.suggestion("monitoring"));
    assertEquals(Optional.of("deployment_rollback"), BoardCheck.suggestion("rollback"));
    assertEquals(Optional.empty(), BoardCheck.suggestion("database_backup"));
  }

  @Test
  void devopsTaskWithANearMissTypeAndNoSuggestion_getsTheGeneralHint() throws IOException {
    List<Finding> findings =
        check(
            "[{\"id\": \"T-1\", \"status\": \"pending\", \"agent\": \"DevOps-Engineer\","
                + " \"type\": \"rollback_database\"}]");

    assertEquals(
        List.of(
            "tasks.json:1:73: task T-1 has type rollback_database, which devops-worker does not"
                + " run; name it deployment_*, infrastructure_* or monitoring_setup if the worker"
                + " should run it"),
        lines(findings));
  }

  @Test
  void repeatedFindings_collapsePerKindAndKeepTheFirstPlace() throws IOException {
    List<Finding> findings =
        check(
            "[\n"
                + "  {\"id\": \"T-1\", \"status\": 1, \"agent\": \"A\"},\n"
                + "  {\"id\": \"T-2\", \"status\": true, \"agent\": \"A\"},\n"
                + "  {\"status\": \"done\", \"agent\": \"A\"},\n"
                + "  {\"status\": \"done\", \"agent\": \"A\"}\n"
                + "]\n");

    assertEquals(
        List.of(
            "tasks.json:2:27: 2 tasks have a status that is not a string (first here: number 1);"
                + " write each like \"status\": \"pending\"",
            "tasks.json:4:3: 2 tasks have no id or task_id (first here); give each one, like"
                + " \"id\": \"TASK-014\""),
        lines(findings));
  }

  @Test
  void numericAndTextIds_areTheSameIdAsTheWorkerSeesThem() throws IOException {
    List<Finding> findings =
        check(
            "[{\"id\": 7, \"status\": \"done\", \"agent\": \"A\"},"
                + " {\"id\": \"7\", \"status\": \"done\", \"agent\": \"A\"}]");

    assertEquals(
        List.of(
            "tasks.json:1:9: duplicate task id 7 (also at 1:52); give one of them another id",
            "tasks.json:1:52: duplicate task id 7 (also at 1:9); give one of them another id"),
        lines(findings));
  }

  @Test
  void taskmasterLayout_isFoundUnderMaster() throws IOException {
    List<Finding> findings =
        check("{\"master\": {\"tasks\": [{\"id\": 1, \"status\": \"done\"}], \"metadata\": {}}}");

    assertEquals(
        List.of(
            "tasks.json:1:23: task 1 has no agent field; set it to the role that works on it"
                + " (\"agent\": \"DevOps-Engineer\" for this worker)"),
        lines(findings));
  }

  @Test
  void boardWithoutATaskArray_saysWhereItLooked() throws IOException {
    List<Finding> findings = check("{\"items\": []}");

    assertEquals(
        List.of(
            "tasks.json:1:1: no task array at auto ($, $.tasks or $.master.tasks); point"
                + " --tasks-path at the task array (e.g. $.tasks)"),
        lines(findings));
  }

  @Test
  void elementsThatAreNotObjects_areReportedAndTheRestStillChecked() throws IOException {
    List<Finding> findings = check("[\"TASK-1\", {\"id\": \"T-2\", \"agent\": \"A\"}]");

    assertEquals(
        List.of(
            "tasks.json:1:2: a task is a string, not an object; remove it or write it as {...}",
            "tasks.json:1:12: task T-2 has no status field; set it, like \"status\": \"pending\""),
        lines(findings));
  }

  @Test
  void secondJsonValueAfterTheBoard_isTheOnlyFinding() throws IOException {
    List<Finding> findings = check("[{\"id\": \"T-1\"}]\n[]\n");

    assertEquals(
        List.of("tasks.json:2:1: unexpected content after the board's JSON value; remove it"),
        lines(findings));
  }

  private List<Finding> check(String board) throws IOException {
    Path file = Files.writeString(dir.resolve("tasks.json"), board);
    BoardReader.Result read = BoardReader.read(file, ArrayPath.auto());
    List<Finding> findings = new ArrayList<>(read.findings());
    findings.addAll(BoardCheck.check(file, read.tasks()));
    findings.sort(Finding.ORDER);
    return findings;
  }

  private List<String> lines(List<Finding> findings) {
    return findings.stream().map(f -> f.toString().replace(dir + "/", "")).toList();
  }
}

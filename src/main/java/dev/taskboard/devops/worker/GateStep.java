package dev.taskboard.devops.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.gate.Check;
import dev.taskboard.devops.gate.Decisions;
import dev.taskboard.devops.gate.GateReport;
import dev.taskboard.devops.gate.Gates;
import dev.taskboard.devops.gate.Verdict;
import dev.taskboard.devops.journal.JournalEvent;
import dev.taskboard.devops.runbook.Runbook;
import dev.taskboard.devops.runbook.Section;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.TaskType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The quality gate before a staging or production deployment: evaluates it, and when it does not
 * pass, blocks the task and asks — fix tasks and an escalation for failures, a human for missing
 * evidence or a production approval.
 */
final class GateStep {
  /**
   * Tasks that can be evidence: the agents and types that produce it. Read in full, so the relation
   * (same release, story or sprint) is decided in Java, never spliced into a filter.
   */
  static final TaskFilter EVIDENCE =
      TaskFilter.parse(
          "[?(@.agent in ['Tester', 'UI-Tester', 'Code-Reviewer', 'DevOps-Engineer']"
              + " || @.type =~ /.*(test|review|security|performance|monitoring|deployment).*/)]");

  /** The gate's verdicts, and the outcome when the task must wait. */
  record Result(Optional<GateReport> report, Optional<Outcome> held) {
    Optional<ObjectNode> json() {
      return report.map(GateReport::toJson);
    }
  }

  private final WorkerConfig config;
  private final Journal journal;
  private final Escalations escalations;
  private final SignedDecisions signed;

  GateStep(WorkerConfig config, Journal journal, Escalations escalations, SignedDecisions signed) {
    this.signed = signed;
    this.config = config;
    this.journal = journal;
    this.escalations = escalations;
  }

  /**
   * What a read of the board must select for the gates: the worker's own selection, plus every task
   * that can be evidence.
   */
  static TaskFilter withEvidence(TaskFilter selection) {
    return selection.or(EVIDENCE);
  }

  /** The tasks a task names as its evidence ({@code payload.evidence_tasks}). */
  static List<String> namedEvidence(Task task) {
    List<String> named = new ArrayList<>();
    task.json().path("payload").path("evidence_tasks").forEach(n -> named.add(n.asText()));
    return named;
  }

  /**
   * human-requests.md as the humans find it: the path the worker uses, relative to the project (the
   * runbook's directory) when it is inside it.
   */
  private String humanRequestsName() {
    Path file = config.humanRequests().toAbsolutePath().normalize();
    Path projectDir = config.runbook().toAbsolutePath().normalize().getParent();
    return projectDir != null && file.startsWith(projectDir)
        ? projectDir.relativize(file).toString()
        : file.toString();
  }

  /**
   * Evaluates the task's gate (if its type has one) without asking anyone, on the evidence in
   * {@code read}: a read made with {@link #withEvidence} and {@link #namedEvidence}.
   */
  Optional<GateReport> evaluate(Task task, Section section, Runbook runbook, Board.Selection read) {
    Optional<String> gate = TaskType.of(task.text("type")).gate();
    if (gate.isEmpty()) {
      return Optional.empty();
    }
    Set<String> named = new HashSet<>(namedEvidence(task));
    List<Task> evidence =
        read.tasks().stream()
            .filter(t -> named.contains(t.id()) || EVIDENCE.matches(t.json()))
            .toList();
    Path projectDir = config.runbook().toAbsolutePath().getParent();
    return Optional.of(
        new Gates(runbook.gates(), projectDir)
            .evaluate(gate.get(), task, evidence, section, decisions(task, runbook.digest())));
  }

  /** Evaluates and, when the gate does not pass, escalates and returns the blocked outcome. */
  Result check(Task task, Section section, Runbook runbook, Board.Selection read)
      throws IOException {
    Optional<GateReport> evaluated = evaluate(task, section, runbook, read);
    if (evaluated.isEmpty()) {
      return new Result(Optional.empty(), Optional.empty());
    }
    GateReport report = evaluated.get();
    List<Check> failed = report.with(Verdict.FAIL);
    List<Check> missing =
        report.with(Verdict.INCONCLUSIVE).stream()
            .filter(c -> !c.name().equals("stakeholder_approval"))
            .toList();
    boolean needsApproval =
        report.with(Verdict.INCONCLUSIVE).stream()
            .anyMatch(c -> c.name().equals("stakeholder_approval"));
    Outcome held;
    if (!failed.isEmpty()) {
      List<String> ids = escalations.gateFailed(task, report, failed);
      held =
          Outcome.blocked(
                  "Quality gate "
                      + report.gate()
                      + " failed: "
                      + describe(failed)
                      + ". Fix tasks and a risk escalation: "
                      + String.join(", ", ids)
                      + ".")
              .with("follow_ups", Json.MAPPER.valueToTree(ids));
    } else if (!missing.isEmpty()) {
      String id = escalations.evidenceRequest(task, report, missing, runbook.digest());
      held =
          Outcome.blocked(
                  "Quality gate "
                      + report.gate()
                      + " has no evidence for "
                      + String.join(", ", missing.stream().map(Check::name).toList())
                      + "; waiting for a human in "
                      + id
                      + " of "
                      + humanRequestsName()
                      + ".")
              .with("hitl", Json.MAPPER.getNodeFactory().textNode(id));
    } else if (needsApproval) {
      String id = escalations.approvalRequest(task, report, runbook.digest());
      held =
          Outcome.blocked(
                  "Every check of the production gate passed; waiting for stakeholder approval in "
                      + id
                      + " of "
                      + humanRequestsName()
                      + ".")
              .with("hitl", Json.MAPPER.getNodeFactory().textNode(id));
    } else {
      return new Result(evaluated, Optional.empty());
    }
    return new Result(evaluated, Optional.of(held.with("gates", report.toJson())));
  }

  /**
   * Holds the task while the runbook's content is not one a signer trusted (only when a signers
   * file exists): the way CI systems hold a workflow change for approval. One request per digest,
   * whatever the number of tasks waiting on it; {@code devops-worker trust-runbook} answers it.
   */
  Optional<Outcome> untrustedRunbook(Task task, Runbook runbook) throws IOException {
    if (!signed.runbookNeedsTrust()) {
      return Optional.empty();
    }
    String digest = runbook.digest();
    boolean trusted =
        journal.decisionsOn(Escalations.RUNBOOK).stream()
            .filter(d -> d.decision().equals("approved"))
            .filter(
                d ->
                    journal
                        .hitl(d.hitl())
                        .filter(h -> h.asked().runbookDigest().equals(digest))
                        .isPresent())
            .anyMatch(d -> signed.trustsRunbook(d, digest));
    if (trusted) {
      return Optional.empty();
    }
    List<String> sections = fingerprint(runbook);
    List<String> changes = changes(journal.lastTrustedRunbook(), sections);
    String id = escalations.runbookRequest(task, digest, sections, changes);
    return Optional.of(
        Outcome.blocked(
                "The runbook is not one a signer trusted ("
                    + digest.substring(0, Math.min(digest.length(), 19))
                    + "…); no deployment runs until a signer reviews it and runs devops-worker"
                    + " trust-runbook (request "
                    + id
                    + " in "
                    + config.humanRequests().getFileName()
                    + ").")
            .with("hitl", Json.MAPPER.getNodeFactory().textNode(id)));
  }

  /** Each section as {@code name (sha256 prefix of its steps)}: what a reviewer compares. */
  static List<String> fingerprint(Runbook runbook) {
    List<String> out = new ArrayList<>();
    for (Section s : runbook.sections()) {
      StringBuilder steps = new StringBuilder();
      s.phases()
          .forEach(
              (phase, list) ->
                  list.forEach(
                      step ->
                          steps
                              .append(step.name())
                              .append('\0')
                              .append(step.interpreter())
                              .append('\0')
                              .append(step.script())
                              .append('\0')));
      out.add(s.name() + " (" + Locations.sha256(steps.toString()).substring(0, 12) + ")");
    }
    return out;
  }

  /** What differs from the sections trusted last, one line each; every section when none was. */
  static List<String> changes(Optional<List<String>> trusted, List<String> now) {
    if (trusted.isEmpty()) {
      return List.of("no runbook was trusted before: review every section");
    }
    List<String> out = new ArrayList<>();
    Map<String, String> before = byName(trusted.get());
    Map<String, String> after = byName(now);
    after.forEach(
        (name, line) -> {
          if (!before.containsKey(name)) {
            out.add("added: " + line);
          } else if (!before.get(name).equals(line)) {
            out.add("changed: " + line);
          }
        });
    before.keySet().stream()
        .filter(n -> !after.containsKey(n))
        .forEach(n -> out.add("removed: " + n));
    if (out.isEmpty()) {
      out.add("the steps are the same; other text of the runbook files changed");
    }
    return out;
  }

  private static Map<String, String> byName(List<String> fingerprints) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String f : fingerprints) {
      int cut = f.lastIndexOf(" (");
      out.put(cut < 0 ? f : f.substring(0, cut), f);
    }
    return out;
  }

  private static String describe(List<Check> checks) {
    return String.join(
        "; ", checks.stream().map(c -> c.name() + " (" + c.evidence() + ")").toList());
  }

  /** Approvals and waivers from the journal, for this task's release only. */
  /**
   * Approvals and waivers for this task's release that still count now: each one's signature is
   * verified again, against today's signers and the runbook the task would run (a decision never
   * opens a gate just because the journal records it).
   */
  private Decisions decisions(Task task, String runbookDigest) {
    String release = Escalations.release(task);
    Optional<String> approvedIn = Optional.empty();
    Map<String, String> waived = new LinkedHashMap<>();
    for (JournalEvent.Decided d : journal.decisions(task.id())) {
      if (!d.release().equals(release) || !d.decision().equals("approved")) {
        continue;
      }
      Optional<Journal.HitlRecord> asked = journal.hitl(d.hitl());
      if (asked.isEmpty() || !signed.stillValid(d, asked.get(), runbookDigest)) {
        continue;
      }
      if (d.kind().equals(Escalations.APPROVAL)) {
        approvedIn = Optional.of(d.hitl());
      } else if (d.kind().equals(Escalations.EVIDENCE)) {
        journal.hitl(d.hitl()).ifPresent(h -> h.checks().forEach(c -> waived.put(c, d.hitl())));
      }
    }
    return new Decisions(approvedIn, waived);
  }
}

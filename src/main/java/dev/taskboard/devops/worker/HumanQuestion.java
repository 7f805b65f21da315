package dev.taskboard.devops.worker;

import dev.taskboard.devops.hitl.Entry;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The question the worker has open for humans about one task — its entry in human-requests.md — and
 * the answers the worker understands to it.
 */
public record HumanQuestion(String id, String title, String question, String answers) {

  /** The worker's open entry (Pending or In Progress) for {@code taskId}, if any. */
  public static Optional<HumanQuestion> openFor(String taskId, List<Entry> entries) {
    String prefix = Escalations.key(taskId, "");
    return entries.stream()
        .filter(e -> e.open() && e.byWorker())
        .filter(e -> e.key().orElse("").startsWith(prefix))
        .map(e -> Map.entry(e, e.key().orElseThrow().substring(prefix.length())))
        .filter(keyed -> keyed.getValue().indexOf('/') < 0) // task "A", not task "A/b"
        .map(keyed -> of(keyed.getKey(), keyed.getValue()))
        .findFirst();
  }

  private static HumanQuestion of(Entry entry, String kind) {
    return new HumanQuestion(
        entry.id(), entry.title(), entry.field("Question").orElse(""), answers(kind));
  }

  /** What a human may answer, as {@link SignedDecisions} reads it. */
  static String answers(String kind) {
    if (kind.equals(Escalations.APPROVAL)) {
      return "a signed decision: devops-worker approve ID to deploy, or devops-worker reject ID to"
          + " fail the task (a human runs it; see README)";
    }
    if (kind.equals(Escalations.EVIDENCE)) {
      return "a signed decision: devops-worker retry ID once the evidence is there, approve ID to"
          + " go on without it (the waiver is recorded), or reject ID to fail the task";
    }
    return "free text: instructions or what was done; it is recorded on the task";
  }
}

package dev.taskboard.devops.worker;

import dev.taskboard.devops.hitl.EntryRef;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.runbook.Runbook;
import dev.taskboard.devops.runbook.RunbookException;
import dev.taskboard.devops.trust.SignedBlock;
import dev.taskboard.devops.trust.Subject;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What a human's {@code approve|reject|retry} command needs from the worker: the open request as
 * the worker recorded it (never as the entry's text says), and the place its signed answer goes.
 */
public final class HumanDecisions {
  private HumanDecisions() {}

  /** An open request of the worker that waits for a decision, as its journal records it. */
  public record OpenRequest(String id, String task, String kind, Subject subject, EntryRef ref) {
    /** Whether {@code retry} means anything here: an evidence request. */
    public boolean takesRetry() {
      return kind.equals(Escalations.EVIDENCE);
    }
  }

  /**
   * The worker's open request {@code id}.
   *
   * @throws IOException with one line saying why there is none to decide
   */
  public static OpenRequest open(WorkerConfig config, String id) throws IOException {
    Journal journal = journal(config);
    Optional<Journal.HitlRecord> asked = journal.hitl(id);
    if (asked.isEmpty()) {
      throw new IOException(
          id
              + " is not a request the worker asked (its journal "
              + config.journal()
              + " has none); check the id in "
              + config.humanRequests().getFileName());
    }
    Journal.HitlRecord h = asked.get();
    if (h.handled()) {
      throw new IOException(id + " was answered already; the worker acted on it");
    }
    if (h.asked().nonce().isEmpty()) {
      throw new IOException(
          id + " was asked by an earlier version of the worker; ask again by re-queuing its task");
    }
    if (!h.kind().equals(Escalations.APPROVAL)
        && !h.kind().equals(Escalations.EVIDENCE)
        && !h.kind().equals(Escalations.RUNBOOK)) {
      throw new IOException(
          id
              + " asks for free text, not a decision: write your answer under its Human Response"
              + " in "
              + config.humanRequests());
    }
    return new OpenRequest(
        id,
        h.task(),
        h.kind(),
        SignedDecisions.subject(h),
        new EntryRef(h.id(), h.asked().nonce()));
  }

  /**
   * The worker's open request to trust the runbook's current content (the operator's runbook files
   * as they are now).
   *
   * @throws IOException with one line saying why there is none
   */
  public static OpenRequest openRunbook(WorkerConfig config) throws IOException {
    String digest;
    try {
      digest = Runbook.load(config.runbook(), config.runbookFiles()).digest();
    } catch (RunbookException e) {
      throw new IOException("the runbook cannot be used: " + e.getMessage(), e);
    }
    Journal journal = journal(config);
    Optional<EntryRef> ref = journal.openRunbookRef(digest);
    if (ref.isEmpty()) {
      throw new IOException(
          "the worker has not asked to trust this runbook ("
              + digest
              + "): it asks in "
              + config.humanRequests().getFileName()
              + " when a deployment task waits on it; if the runbook changed again since, review"
              + " it and wait for the new request");
    }
    return open(config, ref.get().id());
  }

  private static Journal journal(WorkerConfig config) throws IOException {
    try {
      return Journal.readOnly(config.journal(), config.clock());
    } catch (IOException unreadable) {
      throw new IOException(
          "cannot read the worker's journal "
              + config.journal()
              + " ("
              + unreadable.getMessage()
              + "); run this as the worker's user, or name its state dir with --state-dir");
    }
  }

  /** Writes the signed block under the request's Human Response, replacing what was there. */
  public static void answer(WorkerConfig config, OpenRequest request, SignedBlock block)
      throws IOException {
    List<String> lines = block.toMarkdown("  ").lines().toList();
    new HumanRequests(config.humanRequests(), config.clock()).answer(request.ref(), lines);
  }
}

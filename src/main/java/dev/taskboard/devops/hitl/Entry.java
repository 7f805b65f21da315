package dev.taskboard.devops.hitl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code ### ID: title} entry of human-requests.md as it stands: its fields in file order
 * (values without list markers; lines under a field joined with newlines), the human's response,
 * the worker's mark when it wrote the entry, and its 1-based heading line.
 *
 * @param ref the id and nonce of the worker's mark under the heading; empty when there is none,
 *     when it names another entry, or when it is an older worker's key-only comment
 * @param key the label (task id and reason) the worker's comment carries, for people and tools
 * @param duplicated another entry of the file has the same id (compared ignoring case and leading
 *     zeros); the worker acts on none of them
 */
public record Entry(
    String id,
    String title,
    Section section,
    Map<String, String> fields,
    HumanResponse humanResponse,
    Optional<EntryRef> ref,
    Optional<String> key,
    boolean duplicated,
    int line) {

  public Entry {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(title, "title == null");
    Objects.requireNonNull(section, "section == null");
    Objects.requireNonNull(humanResponse, "humanResponse == null");
    Objects.requireNonNull(ref, "ref == null");
    Objects.requireNonNull(key, "key == null");
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** Waiting for a human or for the worker to act: in the Pending or In Progress section. */
  public boolean open() {
    return section == Section.PENDING || section == Section.IN_PROGRESS;
  }

  /**
   * Marked by a worker (Submitted By DevOps-Engineer and a mark with a nonce). Whether it is this
   * worker's, only the nonce it recorded can say: see {@link Requests#find}.
   */
  public boolean byWorker() {
    return ref.isPresent()
        && field(EntryText.SUBMITTED_BY).filter(EntryText.WORKER::equalsIgnoreCase).isPresent();
  }

  /** The response's words (list markers and blank lines dropped), once a human wrote one. */
  public Optional<String> response() {
    return Optional.of(humanResponse.words()).filter(s -> !s.isEmpty());
  }

  /** The value of the field with this name, names compared ignoring case. */
  public Optional<String> field(String name) {
    return fields.entrySet().stream()
        .filter(f -> f.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }
}

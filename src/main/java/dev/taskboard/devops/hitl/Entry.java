package dev.taskboard.devops.hitl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code ### ID: title} entry of human-requests.md as it stands: its fields in file order
 * (values without list markers; lines under a field joined with newlines), the human's response
 * once the placeholder was replaced, the worker's key when it wrote the entry, and its 1-based
 * heading line.
 */
public record Entry(
    String id,
    String title,
    Section section,
    Map<String, String> fields,
    Optional<String> response,
    Optional<String> key,
    int line) {

  public Entry {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(title, "title == null");
    Objects.requireNonNull(section, "section == null");
    Objects.requireNonNull(response, "response == null");
    Objects.requireNonNull(key, "key == null");
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** Waiting for a human or for the worker to act: in the Pending or In Progress section. */
  public boolean open() {
    return section == Section.PENDING || section == Section.IN_PROGRESS;
  }

  /** Written by this worker: submitted by DevOps-Engineer and carrying the worker's key line. */
  public boolean byWorker() {
    return key.isPresent()
        && field(EntryText.SUBMITTED_BY).filter(EntryText.WORKER::equalsIgnoreCase).isPresent();
  }

  /** The value of the field with this name, names compared ignoring case. */
  public Optional<String> field(String name) {
    return fields.entrySet().stream()
        .filter(f -> f.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }
}

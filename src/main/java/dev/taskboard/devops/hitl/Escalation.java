package dev.taskboard.devops.hitl;

import java.util.List;
import java.util.Objects;

/**
 * What the worker asks a human, with the {@code key} (task id and reason, e.g. {@code
 * TASK-005/approval}) that makes asking again a no-op while the entry is open.
 *
 * @param taskId empty for a request about no task
 * @param question any text: line breaks in it, as in every value, are folded into spaces
 * @param context one list item each; blank items are left out
 */
public record Escalation(
    String key,
    String title,
    String type,
    Priority priority,
    String taskId,
    String question,
    List<String> context) {

  public Escalation {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(title, "title == null");
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(priority, "priority == null");
    Objects.requireNonNull(taskId, "taskId == null");
    Objects.requireNonNull(question, "question == null");
    Objects.requireNonNull(context, "context == null");
    if (key.isBlank()) {
      throw new IllegalArgumentException("key is blank");
    }
    if (key.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("key has a control character: " + key.strip());
    }
    if (EntryText.fold(title).isEmpty()) {
      throw new IllegalArgumentException("title is blank");
    }
    if (EntryText.fold(type).isEmpty()) {
      throw new IllegalArgumentException("type is blank");
    }
    context = List.copyOf(context);
  }
}

package dev.taskboard.devops.hitl;

import java.util.Objects;

/**
 * What the worker keeps of an entry it wrote: the id and the random nonce of its mark. Only the
 * entry with both is the worker's; an agent can copy a nonce once it is in the file, never guess
 * one before, and a copy under the same id makes the id duplicated, which the worker refuses.
 *
 * @param nonce 32 to 128 lowercase hex digits
 */
public record EntryRef(String id, String nonce) {

  public EntryRef {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(nonce, "nonce == null");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id is blank");
    }
    if (!EntryText.NONCE.matcher(nonce).matches()) {
      throw new IllegalArgumentException("nonce is not 32 to 128 lowercase hex digits");
    }
  }
}

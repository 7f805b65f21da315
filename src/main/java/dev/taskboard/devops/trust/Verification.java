package dev.taskboard.devops.trust;

import java.util.Objects;

/** The outcome of checking a signed statement: verified with its signer, or refused with why. */
public sealed interface Verification {
  /** Whether the decision may be acted on. */
  boolean accepted();

  /**
   * A good signature by {@code principal} (as the allowed signers file names them) over {@code
   * statement}, which the worker rebuilt from its own records.
   */
  record Verified(String principal, Statement statement) implements Verification {
    public Verified {
      Objects.requireNonNull(principal, "principal == null");
      Objects.requireNonNull(statement, "statement == null");
    }

    @Override
    public boolean accepted() {
      return true;
    }
  }

  /** Not accepted: {@code reason} is one line ending with the command that signs. */
  record Refused(String reason) implements Verification {
    public Refused {
      Objects.requireNonNull(reason, "reason == null");
    }

    @Override
    public boolean accepted() {
      return false;
    }
  }
}

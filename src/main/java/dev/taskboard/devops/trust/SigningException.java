package dev.taskboard.devops.trust;

/** A human's statement could not be signed; the message is one line saying what to do. */
public final class SigningException extends Exception {
  public SigningException(String message) {
    super(message);
  }
}

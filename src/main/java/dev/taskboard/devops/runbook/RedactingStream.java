package dev.taskboard.devops.runbook;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redacts a stream of text piece by piece, before it is cut into lines: a secret split across two
 * reads, across the cut of an over-long line, or by a carriage return is masked whole.
 *
 * <p>Text is released as soon as it is certain: each secret occurrence is masked when no longer
 * secret could still match where it starts, and only a tail that could still grow into a secret is
 * held back (so fewer characters than the longest secret). Releasing at line ends as usual keeps
 * the log live; the result equals {@link Redactor#redact} of the whole text.
 */
final class RedactingStream {
  private final Pattern secrets;
  private final List<String> values;
  private final int longest;
  private final StringBuilder pending = new StringBuilder();

  RedactingStream(Pattern secrets, List<String> values) {
    this.secrets = secrets;
    this.values = values;
    this.longest = values.stream().mapToInt(String::length).max().orElse(0);
  }

  /** Takes the next piece and gives back the text that is now certain, redacted. */
  String feed(CharSequence piece) {
    pending.append(piece);
    if (secrets == null) {
      return take(pending.length());
    }
    StringBuilder out = new StringBuilder();
    Matcher m = secrets.matcher(pending);
    int done = 0;
    int held = heldFrom(0);
    while (true) {
      if (done > held) {
        held = heldFrom(done);
      }
      if (m.find(done) && m.start() < held) {
        out.append(pending, done, m.start()).append(Redactor.MASK);
        done = m.end();
      } else {
        out.append(pending, done, held);
        pending.delete(0, held);
        return out.toString();
      }
    }
  }

  /** What is left at the end of the stream, redacted. */
  String finish() {
    String rest = take(pending.length());
    return secrets == null
        ? rest
        : secrets.matcher(rest).replaceAll(Matcher.quoteReplacement(Redactor.MASK));
  }

  private String take(int n) {
    String out = pending.substring(0, n);
    pending.delete(0, n);
    return out;
  }

  /**
   * The first position at or after {@code from} whose text to the end is a proper prefix of a
   * secret (it may still become one), or the end.
   */
  private int heldFrom(int from) {
    int end = pending.length();
    for (int x = Math.max(from, end - longest + 1); x < end; x++) {
      if (couldBecomeASecret(x, end - x)) {
        return x;
      }
    }
    return end;
  }

  private boolean couldBecomeASecret(int from, int n) {
    for (String s : values) {
      if (s.length() > n && startsWith(s, from, n)) {
        return true;
      }
    }
    return false;
  }

  private boolean startsWith(String secret, int from, int n) {
    for (int i = 0; i < n; i++) {
      if (secret.charAt(i) != pending.charAt(from + i)) {
        return false;
      }
    }
    return true;
  }
}

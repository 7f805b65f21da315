package dev.taskboard.devops.journal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash that makes the journal tamper-evident: each line ends with {@code "mac"}, an
 * HMAC-SHA256 over the previous line's mac and this line's own bytes, under a key only the state
 * dir holds. An edited line, or one an agent appended, does not verify; nor does an old line copied
 * to the end (its sequence number is not the next).
 */
final class Seal {
  private static final Pattern SEALED = Pattern.compile("^(\\{.*),\"mac\":\"([0-9a-f]{64})\"}$");
  private static final HexFormat HEX = HexFormat.of();

  private final SecretKeySpec key;

  Seal(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** {@code body} (one JSON object) with its mac, chained to {@code previous}. */
  String seal(String body, String previous) {
    if (!body.endsWith("}")) {
      throw new IllegalArgumentException("body is not a JSON object: " + body);
    }
    return body.substring(0, body.length() - 1) + ",\"mac\":\"" + mac(body, previous) + "\"}";
  }

  /** A sealed line split into the bytes the mac covers and the mac it claims. */
  record Sealed(String body, String mac) {}

  static Optional<Sealed> split(String line) {
    Matcher m = SEALED.matcher(line);
    return m.matches() ? Optional.of(new Sealed(m.group(1) + "}", m.group(2))) : Optional.empty();
  }

  boolean verifies(Sealed line, String previous) {
    return MessageDigest.isEqual(
        mac(line.body(), previous).getBytes(StandardCharsets.US_ASCII),
        line.mac().getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(String body, String previous) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(key);
      hmac.update(previous.getBytes(StandardCharsets.US_ASCII));
      hmac.update((byte) '\n');
      return HEX.formatHex(hmac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}

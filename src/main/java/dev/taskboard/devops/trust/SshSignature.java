package dev.taskboard.devops.trust;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An armored OpenSSH signature ({@code ssh-keygen -Y sign}), read far enough to name its key and
 * namespace in a refusal. Whether it is valid is for {@code ssh-keygen -Y verify} to say.
 */
record SshSignature(String armored, String keyType, String fingerprint, String namespace) {
  static final String BEGIN = "-----BEGIN SSH SIGNATURE-----";
  static final String END = "-----END SSH SIGNATURE-----";

  /** More than an RSA-16384 signature needs at 70 characters a line. */
  static final int MAX_LINES = 64;

  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
  private static final Pattern KEY_TYPE = Pattern.compile("[A-Za-z0-9@._+-]{1,64}");
  private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);

  /**
   * Reads the base64 lines between {@link #BEGIN} and {@link #END}.
   *
   * @throws IllegalArgumentException with a one-line reason when they are not an SSH signature
   */
  static SshSignature fromBody(List<String> body) {
    if (body.isEmpty()) {
      throw new IllegalArgumentException("the SSH signature is empty");
    }
    if (body.size() > MAX_LINES) {
      throw new IllegalArgumentException("the SSH signature has more than " + MAX_LINES + " lines");
    }
    for (String line : body) {
      if (!BASE64.matcher(line).matches()) {
        throw new IllegalArgumentException("the SSH signature has a line that is not base64");
      }
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(String.join("", body));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the SSH signature is not valid base64");
    }
    String armored = BEGIN + "\n" + String.join("\n", body) + "\n" + END + "\n";
    try {
      return read(armored, ByteBuffer.wrap(blob));
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the SSH signature is truncated or not an SSHSIG blob");
    }
  }

  /** The armored text as {@code ssh-keygen} wrote it, split into its lines. */
  static SshSignature fromArmored(String armored) {
    List<String> lines = armored.strip().lines().toList();
    if (lines.size() < 3
        || !lines.get(0).equals(BEGIN)
        || !lines.get(lines.size() - 1).equals(END)) {
      throw new IllegalArgumentException("the SSH signature has no BEGIN and END lines");
    }
    return fromBody(lines.subList(1, lines.size() - 1));
  }

  /** The body lines between BEGIN and END. */
  List<String> body() {
    List<String> lines = armored.lines().toList();
    return lines.subList(1, lines.size() - 1);
  }

  /** E.g. {@code ssh-ed25519 key SHA256:...}, as an operator compares with ssh-keygen -lf. */
  String key() {
    return (KEY_TYPE.matcher(keyType).matches() ? keyType : Shown.quote(keyType))
        + " key "
        + fingerprint;
  }

  private static SshSignature read(String armored, ByteBuffer in) {
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!MessageDigest.isEqual(magic, MAGIC) || in.getInt() != 1) {
      throw new IllegalArgumentException("not SSHSIG version 1");
    }
    byte[] publicKey = string(in);
    String namespace = new String(string(in), StandardCharsets.UTF_8);
    String keyType = new String(string(ByteBuffer.wrap(publicKey)), StandardCharsets.UTF_8);
    return new SshSignature(armored, keyType, fingerprint(publicKey), namespace);
  }

  private static byte[] string(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("bad length");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  /** OpenSSH's fingerprint of a public key blob: {@code SHA256:} and unpadded base64. */
  static String fingerprint(byte[] publicKey) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(publicKey);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

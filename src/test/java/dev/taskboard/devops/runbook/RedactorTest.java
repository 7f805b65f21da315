package dev.taskboard.devops.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void redact_masksValuesOfSecretLookingNames_ignoringCase() {
    Redactor r =
        Redactor.of(
            Map.of(
                "GITHUB_TOKEN", "ghp_abcdef",
                "db_password", "hunter22",
                "ApiKey", "k-998877",
                "CLIENT_SECRET", "s3cr3t!",
                "RELEASE", "1.4.0"),
            Set.of());

    assertEquals(
        "push ***, login ***, key ***, *** for 1.4.0",
        r.redact("push ghp_abcdef, login hunter22, key k-998877, s3cr3t! for 1.4.0"));
  }

  @Test
  void redact_masksVariablesNamedInRedact() {
    Redactor r =
        Redactor.of(Map.of("DB_URL", "postgres://u@db/x", "OTHER", "visible"), Set.of("DB_URL"));

    assertEquals("connect *** visible", r.redact("connect postgres://u@db/x visible"));
  }

  @Test
  void redact_leavesShortValuesAlone() {
    Redactor r = Redactor.of(Map.of("KEY_ID", "abc", "TOKEN", "abcd"), Set.of());

    assertEquals("abc ***", r.redact("abc abcd"));
  }

  @Test
  void redact_masksTheLongerOfOverlappingSecretsWhole() {
    Redactor r = Redactor.of(Map.of("A_TOKEN", "abcd", "B_TOKEN", "abcd-efgh"), Set.of());

    assertEquals("*** and ***", r.redact("abcd-efgh and abcd"));
  }

  @Test
  void redact_takesValuesLiterally_notAsPatterns() {
    Redactor r = Redactor.of(Map.of("PASSWORD", "a.b*c$1\\E"), Set.of());

    assertEquals("x *** axbbc$1", r.redact("x a.b*c$1\\E axbbc$1"));
  }

  @Test
  void redact_masksEachLineOfAMultiLineSecret() {
    Redactor r =
        Redactor.of(
            Map.of("SSH_KEY", "-----BEGIN KEY-----\nMIIEowIBAAKCAQEA\n-----END KEY-----"),
            Set.of());

    assertEquals("***", r.redact("MIIEowIBAAKCAQEA"));
    assertEquals("***", r.redact("-----BEGIN KEY-----"));
  }

  @Test
  void redact_masksAMultiLineSecretWhole_withAnyLineEnds() {
    Redactor r = Redactor.of(Map.of("SSH_KEY", "BEGIN\nab\nEND"), Set.of());

    assertEquals("x *** y", r.redact("x BEGIN\nab\nEND y"));
    assertEquals("x *** y", r.redact("x BEGIN\r\nab\r\nEND y"));
    assertEquals("x *** y", r.redact("x BEGIN\rab\rEND y"));
  }

  @Test
  void redact_withoutSecrets_changesNothing() {
    assertEquals(
        "plain $1 text", Redactor.of(Map.of("HOME", "/root"), Set.of()).redact("plain $1 text"));
    assertEquals("x", Redactor.none().redact("x"));
  }
}

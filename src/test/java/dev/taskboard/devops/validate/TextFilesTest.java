package dev.taskboard.devops.validate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {
  @TempDir Path dir;

  @Test
  void utf8Text_withEveryKindOfCharacter_passes() throws IOException {
    Path f = Files.writeString(dir.resolve("ok.md"), "\uFEFFcafé → 日本 😀\r\nend", UTF_8);

    TextFiles.requireUtf8(f, "--runbook");
  }

  @Test
  void badByteAfterTheFirstChunk_isReportedAtItsLineAndColumn() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String line = "é".repeat(39) + "\n"; // 79 bytes: multi-byte characters across chunk borders
    for (int i = 0; i < 2000; i++) {
      bytes.writeBytes(line.getBytes(UTF_8));
    }
    bytes.writeBytes("abc".getBytes(UTF_8));
    bytes.write(0xFF);
    Path f = Files.write(dir.resolve("big.json"), bytes.toByteArray());

    IOException e = assertThrows(IOException.class, () -> TextFiles.requireUtf8(f, "--board"));

    assertEquals(f + ":2001:4: is not UTF-8 text (byte 0xFF); save it as UTF-8", e.getMessage());
  }

  @Test
  void fileEndingInsideACharacter_isNotUtf8() throws IOException {
    Path f =
        Files.write(dir.resolve("cut.md"), new byte[] {'a', '\n', 'b', (byte) 0xE2, (byte) 0x86});

    IOException e = assertThrows(IOException.class, () -> TextFiles.requireUtf8(f, "--runbook"));

    assertEquals(f + ":2:2: is not UTF-8 text (byte 0xE2); save it as UTF-8", e.getMessage());
  }

  @Test
  void missingFile_namesTheOptionToFixIt() {
    Path f = dir.resolve("deployment.md");

    IOException e = assertThrows(IOException.class, () -> TextFiles.requireUtf8(f, "--runbook"));

    assertEquals(
        f + ": does not exist; point --runbook at it, or run 'devops-worker init' to create it",
        e.getMessage());
  }
}

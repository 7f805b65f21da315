package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cTest {
  @Test
  void combine_equalsTheChecksumOfTheConcatenation() {
    Random random = new Random(20261121);
    for (int i = 0; i < 500; i++) {
      byte[] bytes = new byte[random.nextInt(5000)];
      random.nextBytes(bytes);
      int cut = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
      CRC32C a = new CRC32C();
      a.update(bytes, 0, cut);
      CRC32C b = new CRC32C();
      b.update(bytes, cut, bytes.length - cut);
      CRC32C whole = new CRC32C();
      whole.update(bytes);
      assertEquals(
          whole.getValue(),
          Crc32c.combine(a.getValue(), b.getValue(), bytes.length - cut),
          "length " + bytes.length + ", cut at " + cut);
    }
  }
}

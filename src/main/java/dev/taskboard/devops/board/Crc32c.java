package dev.taskboard.devops.board;

/**
 * CRC32C arithmetic the JDK does not offer: the checksum of two byte runs laid end to end, from
 * their own checksums (zlib's {@code crc32_combine}, with the Castagnoli polynomial). It lets a
 * write know the new version's checksum from the old version's pieces without reading it again.
 */
final class Crc32c {
  private static final int POLYNOMIAL = 0x82F63B78; // reflected Castagnoli

  private Crc32c() {}

  /** The CRC32C of A followed by B, given CRC32C(A), CRC32C(B) and B's length. */
  static long combine(long crcA, long crcB, long lengthB) {
    if (lengthB <= 0) {
      return crcA;
    }
    int[] even = new int[32]; // the operator for 2^k zero bits, alternately squared
    int[] odd = new int[32];
    odd[0] = POLYNOMIAL; // the operator for one zero bit
    int row = 1;
    for (int n = 1; n < 32; n++) {
      odd[n] = row;
      row <<= 1;
    }
    square(even, odd); // two zero bits
    square(odd, even); // four zero bits
    int crc = (int) crcA;
    long length = lengthB;
    do {
      square(even, odd); // first pass: one zero byte
      if ((length & 1) != 0) {
        crc = times(even, crc);
      }
      length >>>= 1;
      if (length == 0) {
        break;
      }
      square(odd, even);
      if ((length & 1) != 0) {
        crc = times(odd, crc);
      }
      length >>>= 1;
    } while (length != 0);
    return (crc ^ (int) crcB) & 0xffffffffL;
  }

  private static int times(int[] matrix, int vector) {
    int sum = 0;
    for (int i = 0; vector != 0; i++, vector >>>= 1) {
      if ((vector & 1) != 0) {
        sum ^= matrix[i];
      }
    }
    return sum;
  }

  private static void square(int[] square, int[] matrix) {
    for (int n = 0; n < 32; n++) {
      square[n] = times(matrix, matrix[n]);
    }
  }
}

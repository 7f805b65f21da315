package dev.taskboard.devops.worker;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Whether a standard stream is a terminal, asked of the descriptor itself with libc's {@code
 * isatty}: on JDK 17 {@code System.console()} is non-null whenever stdin and stdout are a terminal,
 * even with {@code 2>file}, so it cannot tell where stderr goes.
 */
final class Terminal {
  static final int STDERR = 2;

  private Terminal() {}

  interface LibC extends Library {
    int isatty(int fd);
  }

  private static final class Holder {
    static final LibC LIBC = load();

    private static LibC load() {
      try {
        return Platform.isWindows() ? null : Native.load("c", LibC.class);
      } catch (UnsatisfiedLinkError | RuntimeException noLibc) {
        return null;
      }
    }
  }

  /** Whether descriptor {@code fd} is a terminal; false when that cannot be asked. */
  static boolean isatty(int fd) {
    LibC libc = Holder.LIBC;
    return libc != null && libc.isatty(fd) == 1;
  }
}

package dev.taskboard.devops.board;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A separate process that asks whether the board lock is held, the way the worker takes it
 * (FileChannel.lock, fcntl): prints "held" or "free".
 */
public final class LockProbe {
  public static void main(String[] args) throws Exception {
    try (FileChannel ch =
            FileChannel.open(
                Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock()) {
      System.out.println(lock == null ? "held" : "free");
    }
  }
}

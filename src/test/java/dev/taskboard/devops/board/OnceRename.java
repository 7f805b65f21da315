package dev.taskboard.devops.board;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A test hook for the board's package-private race points: on its first call for the board (any of
 * its paths) it runs one write that ignores the lock and keeps the bytes it left; later calls do
 * nothing.
 */
final class OnceRename implements Consumer<Path> {
  /** The foreign write, given the path the hook was called with. */
  interface Write {
    void to(Path board) throws Exception;
  }

  private final Set<Path> board;
  private final Write write;
  int renames;
  byte[] wrote;

  OnceRename(Set<Path> board, Write write) {
    this.board = Set.copyOf(board);
    this.write = write;
  }

  @Override
  public void accept(Path path) {
    if (renames > 0 || !board.contains(path)) {
      return;
    }
    renames++;
    try {
      write.to(path);
      wrote = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.taskboard.devops.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that ignores the lock truncates the file in place while a locked update copies from the
 * version it read: the update reads again, as after a foreign rename, instead of failing.
 */
class InPlaceRewriteTest {
  @TempDir Path dir;

  @Test
  void fileTruncatedInPlaceWhileItIsCopied_isReadAgain_andTheUpdateLands() throws Exception {
    Path file = dir.resolve("board.json");
    Files.writeString(file, "[1, 2, 3, 4, 5, 6, 7, 8, 9]\n", StandardCharsets.UTF_8);
    AtomicInteger reads = new AtomicInteger();

    LockedUpdate.Result<String> result =
        LockedUpdate.run(
            file,
            LockedUpdate.Options.DEFAULT,
            real -> WholeFile.read(real, 1 << 20),
            version -> {
              if (reads.incrementAndGet() == 1) {
                // Copy the whole file from a channel on it, after another writer truncated it.
                FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                long size = in.size();
                Files.writeString(file, "[1]", StandardOpenOption.TRUNCATE_EXISTING);
                return LockedUpdate.Plan.replace(
                    out -> {
                      try (in) {
                        Channels.copy(in, 0, size, out);
                      }
                    },
                    "first");
              }
              return LockedUpdate.Plan.replace(
                  "[1, 2]\n".getBytes(StandardCharsets.UTF_8), "again");
            });

    assertInstanceOf(LockedUpdate.Result.Written.class, result);
    assertEquals("again", result.value());
    assertEquals(1, result.collisions());
    assertEquals("[1, 2]\n", Files.readString(file));
  }
}

package dev.taskboard.devops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real boards from public repositories (and synthetic twins where a licence forbids copying)
 * kept in src/test/resources/boards; SOURCES.md there says where each comes from.
 */
public final class FixtureBoards {
  private FixtureBoards() {}

  /** The directory holding them. */
  public static Path dir() {
    URL url = FixtureBoards.class.getResource("/boards");
    if (url == null) {
      throw new IllegalStateException(
          "src/test/resources/boards is missing from the test classpath");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(url.toString(), e);
    }
  }

  /** The board named {@code fileName}. */
  public static Path named(String fileName) {
    return dir().resolve(fileName);
  }

  /** Every board, by name. */
  public static List<Path> all() {
    try (Stream<Path> files = Files.list(dir())) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

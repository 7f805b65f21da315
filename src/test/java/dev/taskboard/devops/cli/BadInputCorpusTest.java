package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus in {@code src/test/resources/badinput}: one directory per case with the
 * files it starts from ({@code files/}), the command line ({@code args}, one per line, {@code
 * {dir}} for the case's directory) and what must come out ({@code expected.exit}, {@code
 * expected.out}, {@code expected.err}). Every file the case starts from is byte-identical
 * afterwards. {@code -Dbadinput.record=true} rewrites the expectations from the current output
 * (review the diff before committing).
 */
class BadInputCorpusTest {
  private static final Path CORPUS = Path.of("src/test/resources/badinput");
  private static final boolean RECORD = Boolean.getBoolean("badinput.record");

  @TempDir Path dir;

  static Stream<Path> cases() throws IOException {
    try (Stream<Path> all = Files.list(CORPUS)) {
      return all.filter(Files::isDirectory).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInput_getsItsExactMessageAndChangesNothing(Path corpusCase) throws IOException {
    Map<Path, byte[]> before = copyFiles(corpusCase.resolve("files"));
    List<String> args =
        Files.readAllLines(corpusCase.resolve("args"), StandardCharsets.UTF_8).stream()
            .map(a -> a.replace("{dir}", dir.toString()))
            .toList();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            new PrintWriter(out),
            new PrintWriter(err),
            TestEnv.in(dir),
            args.toArray(String[]::new));
    String actualOut = out.toString().replace(dir.toString(), "{dir}");
    String actualErr = err.toString().replace(dir.toString(), "{dir}");

    if (RECORD) {
      Files.writeString(corpusCase.resolve("expected.exit"), exit + "\n");
      Files.writeString(corpusCase.resolve("expected.out"), actualOut);
      Files.writeString(corpusCase.resolve("expected.err"), actualErr);
    }
    assertEquals(read(corpusCase, "expected.exit").strip(), Integer.toString(exit), actualErr);
    assertEquals(read(corpusCase, "expected.out"), actualOut);
    assertEquals(read(corpusCase, "expected.err"), actualErr);
    assertTrue(exit != 0, "a bad input must not succeed");
    assertTrue(
        actualErr.isEmpty() || actualErr.lines().count() == 1, "one line on stderr: " + actualErr);
    for (Map.Entry<Path, byte[]> file : before.entrySet()) {
      assertArrayEquals(
          file.getValue(), Files.readAllBytes(file.getKey()), file.getKey() + " changed");
    }
  }

  private Map<Path, byte[]> copyFiles(Path from) throws IOException {
    Map<Path, byte[]> copied = new LinkedHashMap<>();
    if (!Files.isDirectory(from)) {
      return copied;
    }
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.sorted().toList()) {
        Path target = dir.resolve(f.getFileName().toString());
        Files.copy(f, target);
        copied.put(target, Files.readAllBytes(target));
      }
    }
    return copied;
  }

  private static String read(Path corpusCase, String name) throws IOException {
    return Files.readString(corpusCase.resolve(name), StandardCharsets.UTF_8);
  }
}

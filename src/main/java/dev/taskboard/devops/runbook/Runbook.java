package dev.taskboard.devops.runbook;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The deployment runbook: the task sections of {@code deployment.md} and of the further runbook
 * files the operator names, each section with its settings inherited from {@code ## defaults}.
 *
 * <p>Commands come only from files named this way, never from files found by a pattern: agents can
 * write files beside the runbook, and a pattern would let them add steps.
 */
public final class Runbook {
  private static final int MAX_NAME_IN_MESSAGE = 80;

  private final Path file;
  private final List<Path> files;
  private final List<Section> sections;
  private final GateSettings gates;
  private final String digest;

  private Runbook(
      Path file, List<Path> files, List<Section> sections, GateSettings gates, String digest) {
    this.file = file;
    this.files = List.copyOf(files);
    this.sections = List.copyOf(sections);
    this.gates = gates;
    this.digest = digest;
  }

  /** The quality gates' settings: deployment.md's {@code ## gates}, else the defaults. */
  public GateSettings gates() {
    return gates;
  }

  /**
   * Reads {@code deploymentMd} alone.
   *
   * @throws RunbookException when it is not a valid runbook
   */
  public static Runbook load(Path deploymentMd) throws IOException {
    return load(deploymentMd, List.of());
  }

  /**
   * Reads {@code deploymentMd}, then each of {@code moreFiles} in order. A further file's {@code ##
   * defaults} apply to its own sections, on top of deployment.md's; only deployment.md's {@code ##
   * gates} count.
   *
   * @throws RunbookException when a file is not a valid runbook, or two files share a name (a task
   *     chooses a file by its name)
   */
  public static Runbook load(Path deploymentMd, List<Path> moreFiles) throws IOException {
    requireDistinctNames(deploymentMd, moreFiles);
    Path dir = directoryOf(deploymentMd);
    RunbookParser.Parsed main = RunbookParser.parse(deploymentMd);
    Settings inherited = main.defaults().over(Settings.defaults(dir), dir);
    Map<String, Section> byName = new LinkedHashMap<>();
    addSections(byName, main, inherited, dir);
    List<RunbookParser.Parsed> parsed = new ArrayList<>(List.of(main));
    for (Path more : moreFiles) {
      RunbookParser.Parsed p = RunbookParser.parse(more);
      Path moreDir = directoryOf(more);
      addSections(byName, p, p.defaults().over(inherited, moreDir), moreDir);
      parsed.add(p);
    }
    List<Path> files = parsed.stream().map(RunbookParser.Parsed::file).toList();
    return new Runbook(
        deploymentMd, files, new ArrayList<>(byName.values()), main.gates(), digest(parsed));
  }

  private static Path directoryOf(Path file) {
    return file.toAbsolutePath().normalize().getParent();
  }

  private static void requireDistinctNames(Path deploymentMd, List<Path> moreFiles)
      throws RunbookException {
    Map<Path, Path> byName = new LinkedHashMap<>();
    byName.put(deploymentMd.getFileName(), deploymentMd);
    for (Path more : moreFiles) {
      Path earlier = byName.putIfAbsent(more.getFileName(), more);
      if (earlier != null) {
        throw new RunbookException(
            more,
            "has the same file name as the runbook file "
                + earlier
                + "; a task chooses a runbook file by its name, so give each a name of its own");
      }
    }
  }

  private static void addSections(
      Map<String, Section> byName, RunbookParser.Parsed parsed, Settings inherited, Path dir)
      throws RunbookException {
    for (RunbookParser.Draft draft : parsed.sections()) {
      Section earlier = byName.get(draft.name);
      if (earlier != null) {
        throw new RunbookException(
            parsed.file(),
            draft.line,
            draft.column,
            "section "
                + draft.name
                + " is already defined at "
                + earlier.file()
                + ":"
                + earlier.line()
                + "; keep one of them");
      }
      byName.put(draft.name, draft.toSection(parsed.file(), inherited, dir));
    }
  }

  /**
   * SHA-256 over each file's name and bytes, in order, each preceded by its length so that no two
   * different sets of files give the same input.
   */
  private static String digest(List<RunbookParser.Parsed> parsed) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    for (RunbookParser.Parsed p : parsed) {
      lengthPrefixed(sha256, p.file().getFileName().toString().getBytes(StandardCharsets.UTF_8));
      lengthPrefixed(sha256, p.bytes());
    }
    return "sha256:" + HexFormat.of().formatHex(sha256.digest());
  }

  private static void lengthPrefixed(MessageDigest sha256, byte[] bytes) {
    sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
    sha256.update(bytes);
  }

  /**
   * {@code sha256:<hex>} of exactly the bytes parsed: each runbook file's name and content, in
   * order, length-prefixed. What an approval of the runbook's content can sign.
   */
  public String digest() {
    return digest;
  }

  /** The section for {@code taskType}, from whichever runbook file defines it. */
  public Optional<Section> section(String taskType) {
    return sections.stream().filter(s -> s.name().equals(taskType)).findFirst();
  }

  /**
   * The section for {@code taskType} in the runbook file a task chose by name (its payload's {@code
   * runbook}); no choice (null or empty) means {@link #section(String)}. Only the file name of one
   * of the loaded files is accepted, never a path: a task chooses among the operator's files.
   *
   * @throws RunbookException when {@code chosenFile} is not the name of a loaded runbook file
   */
  public Optional<Section> section(String taskType, String chosenFile) throws RunbookException {
    if (chosenFile == null || chosenFile.isEmpty()) {
      return section(taskType);
    }
    Path chosen = fileNamed(chosenFile);
    return sections.stream()
        .filter(s -> s.file().equals(chosen) && s.name().equals(taskType))
        .findFirst();
  }

  private Path fileNamed(String name) throws RunbookException {
    for (Path f : files) {
      if (f.getFileName().toString().equals(name)) {
        return f;
      }
    }
    throw new RunbookException(
        file,
        "the task chose runbook '"
            + printable(name)
            + "', which is not one of the worker's runbook files; name one of "
            + files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(", "))
            + " (a file name, without any directory)");
  }

  /** Every task section of every file: deployment.md's first, in document order. */
  public List<Section> sections() {
    return sections;
  }

  /** The {@code deployment.md} this runbook was loaded from. */
  public Path file() {
    return file;
  }

  /** The runbook files read: {@code deployment.md}, then the further files in the order given. */
  public List<Path> files() {
    return files;
  }

  /** Untrusted text made safe for a one-line message: no control characters, bounded length. */
  private static String printable(String text) {
    String clean =
        text.codePoints()
            .map(c -> Character.isISOControl(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return clean.length() > MAX_NAME_IN_MESSAGE
        ? clean.substring(0, MAX_NAME_IN_MESSAGE) + "…"
        : clean;
  }
}

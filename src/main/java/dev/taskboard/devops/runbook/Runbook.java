package dev.taskboard.devops.runbook;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The deployment runbook: the task sections of {@code deployment.md} and of the {@code
 * deployment-*.md} files beside it, each section with its settings inherited from {@code ##
 * defaults}.
 */
public final class Runbook {
  private static final int MAX_NAME_IN_MESSAGE = 80;

  private final Path file;
  private final List<Path> files;
  private final List<Section> sections;
  private final GateSettings gates;

  private Runbook(Path file, List<Path> files, List<Section> sections, GateSettings gates) {
    this.file = file;
    this.files = List.copyOf(files);
    this.sections = List.copyOf(sections);
    this.gates = gates;
  }

  /** The quality gates' settings: deployment.md's {@code ## gates}, else the defaults. */
  public GateSettings gates() {
    return gates;
  }

  /**
   * Reads {@code deploymentMd} and every {@code deployment-*.md} beside it (in name order).
   *
   * @throws RunbookException when a file's content is not a valid runbook
   */
  public static Runbook load(Path deploymentMd) throws IOException {
    Path dir = deploymentMd.toAbsolutePath().normalize().getParent();
    RunbookParser.Parsed main = RunbookParser.parse(deploymentMd);
    Settings inherited = main.defaults().over(Settings.defaults(dir), dir);
    Map<String, Section> byName = new LinkedHashMap<>();
    addSections(byName, main, inherited, dir);
    List<Path> files = new ArrayList<>(List.of(deploymentMd));
    for (Path sibling : siblings(deploymentMd, dir)) {
      RunbookParser.Parsed parsed = RunbookParser.parse(sibling);
      addSections(byName, parsed, parsed.defaults().over(inherited, dir), dir);
      files.add(sibling);
    }
    // Gates are one policy per project: only deployment.md's ## gates counts.
    return new Runbook(deploymentMd, files, new ArrayList<>(byName.values()), main.gates());
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

  private static List<Path> siblings(Path deploymentMd, Path dir) throws IOException {
    List<Path> names = new ArrayList<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "deployment-*.md")) {
      for (Path p : found) {
        if (Files.isRegularFile(p) && !p.getFileName().equals(deploymentMd.getFileName())) {
          names.add(p.getFileName());
        }
      }
    }
    names.sort(null);
    return names.stream().map(deploymentMd::resolveSibling).collect(Collectors.toList());
  }

  /** The section for {@code taskType}, from whichever runbook file defines it. */
  public Optional<Section> section(String taskType) {
    return sections.stream().filter(s -> s.name().equals(taskType)).findFirst();
  }

  /**
   * The section for {@code taskType} in the runbook file a task chose by name (its payload's {@code
   * runbook}); no choice (null or empty) means {@link #section(String)}.
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
            + "', which is not a runbook file beside this one; name one of "
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

  /** The runbook files read: {@code deployment.md}, then the {@code deployment-*.md} beside it. */
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

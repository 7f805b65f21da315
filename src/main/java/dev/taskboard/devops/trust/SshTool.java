package dev.taskboard.devops.trust;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ssh-keygen} and {@code ssh-add} without a shell: an argument list, a given
 * environment, output to files in a {@link PrivateDir}, and a bounded wait. Without a terminal the
 * tool runs in its own session with no way to ask for a passphrase, so it fails instead of waiting
 * for an answer nobody can give.
 */
final class SshTool {
  /** Bound on reaping a tool killed at its timeout. */
  static final Duration REAP = Duration.ofSeconds(10);

  /** Characters of a tool's complaint quoted in a reason. */
  static final int MAX_COMPLAINT = 300;

  /** Output read back, at most; ssh-keygen's answers are a few lines. */
  static final int MAX_OUTPUT = 64 * 1024;

  private static final List<Path> SETSID =
      List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

  /** What a tool said and how it ended. */
  record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
    boolean ok() {
      return !timedOut && exitCode == 0;
    }

    /** What the tool said on stderr, as one quoted line, or its exit code. */
    String complaint() {
      return complaint("", "");
    }

    /** Like {@link #complaint()}, with the text {@code path} shown as {@code shownAs}. */
    String complaint(String path, String shownAs) {
      if (timedOut) {
        return "it did not finish in time";
      }
      List<String> lines = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
      String said = String.join(" / ", lines);
      return lines.isEmpty()
          ? "exit code " + exitCode
          : Shown.quote(path.isEmpty() ? said : said.replace(path, shownAs), MAX_COMPLAINT);
    }
  }

  private final Map<String, String> environment;
  private final Duration timeout;
  private final boolean terminal;

  /**
   * @param environment the tools' whole environment (HOME, PATH, SSH_AUTH_SOCK …)
   * @param terminal whether the tools may use this process's terminal, to ask for a passphrase
   */
  SshTool(Map<String, String> environment, Duration timeout, boolean terminal) {
    this.environment = Map.copyOf(environment);
    this.timeout = timeout;
    this.terminal = terminal;
  }

  /** The environment variable {@code name}, if set and not empty. */
  Optional<String> env(String name) {
    return Optional.ofNullable(environment.get(name)).filter(v -> !v.isEmpty());
  }

  /**
   * Runs {@code command} in {@code dir}, reading {@code stdin} (or nothing, or the terminal when
   * allowed and {@code stdin} is null).
   */
  Result run(PrivateDir dir, List<String> command, Path stdin)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir.path(), "out-", ".txt");
    Path err = Files.createTempFile(dir.path(), "err-", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(withSession(command))
            .directory(dir.path().toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(input(stdin));
    pb.environment().clear();
    pb.environment().putAll(childEnvironment());
    Process process = pb.start();
    boolean exited;
    try {
      exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      kill(process);
      throw e;
    }
    if (!exited) {
      kill(process);
    }
    int exitCode = exited ? process.exitValue() : -1;
    return new Result(exitCode, readBounded(out), readBounded(err), !exited);
  }

  private Redirect input(Path stdin) {
    if (stdin != null) {
      return Redirect.from(stdin.toFile());
    }
    return terminal ? Redirect.INHERIT : Redirect.from(new File("/dev/null"));
  }

  private List<String> withSession(List<String> command) {
    if (terminal) {
      return command;
    }
    List<String> full = new ArrayList<>();
    SETSID.stream().filter(Files::isExecutable).findFirst().ifPresent(s -> full.add(s.toString()));
    full.addAll(command);
    return full;
  }

  private Map<String, String> childEnvironment() {
    Map<String, String> env = new HashMap<>(environment);
    if (!terminal) {
      // No graphical passphrase dialog either: nobody is there to answer it.
      env.put("SSH_ASKPASS_REQUIRE", "never");
    }
    return env;
  }

  private static void kill(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(REAP.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String readBounded(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
    }
  }
}

package dev.taskboard.devops.testing;

import dev.taskboard.devops.worker.Locations;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An environment whose HOME and XDG directories are under a test's temp dir, so that no test reads
 * or writes the user's real state, runtime or config directories.
 */
public final class TestEnv {
  private TestEnv() {}

  /** The process's environment with HOME and XDG_* under {@code dir}. */
  public static Map<String, String> in(Path dir) {
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    env.remove("DEVOPS_WORKER_BOARD");
    env.remove("DEVOPS_WORKER_RUNBOOK");
    env.remove("DEVOPS_WORKER_SIGNERS");
    env.remove("DEVOPS_WORKER_SIGNING_KEY");
    env.remove("SSH_AUTH_SOCK");
    Path home = dir.resolve("home");
    env.put("HOME", home.toString());
    env.put("XDG_STATE_HOME", home.resolve(".local/state").toString());
    env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
    env.put("XDG_RUNTIME_DIR", dir.resolve("run").toString());
    return env;
  }

  /** Applies {@link #in} to a child process. */
  public static ProcessBuilder apply(ProcessBuilder pb, Path dir) {
    pb.environment().clear();
    pb.environment().putAll(in(dir));
    return pb;
  }

  /** The state dir the worker picks by default for {@code board} in that environment. */
  public static Path stateDir(Path dir, Path board) {
    return Locations.of(in(dir)).stateDirFor(board);
  }
}

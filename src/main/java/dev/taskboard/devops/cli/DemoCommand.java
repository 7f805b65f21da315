package dev.taskboard.devops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.hitl.Entry;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.worker.HumanDecisions;
import dev.taskboard.devops.worker.Worker;
import dev.taskboard.devops.worker.WorkerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the worker's real job on the shipped examples, in a scratch directory: copies the
 * example board and runbook, runs the worker once, prints what happened, stops the services.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the worker once on the shipped example board and runbook, in a scratch directory.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "DIR",
      description = "Where to put the example project (default: a new temp dir).")
  Path dir;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (dir != null) {
      refuseExisting(dir);
    }
    Path project = dir != null ? dir : Files.createTempDirectory("devops-worker-demo-");
    copyExamples(project);
    Path boardFile = project.resolve(".plan/tasks.json");
    // A throwaway human: the demo runs the real trust model, with its own key and signers file.
    Optional<DemoKeys> keys = DemoKeys.create(project);
    // The demo's state stays in its scratch project, with the services it starts.
    WorkerConfig.Builder builder =
        WorkerConfig.builder(boardFile, project.resolve("deployment.md"), Main.env(spec))
            .stateDir(project.resolve(".devops-worker"));
    WorkerConfig config =
        keys.isPresent()
            ? builder.signers(keys.get().signers()).build()
            : builder.allowUnsigned(true).build(); // no ssh-keygen here: plain answers count
    Board board = config.openBoard();
    Map<String, String> before = statuses(board);
    out.println("demo project: " + project);
    out.println(
        "running the worker once on "
            + project.relativize(boardFile)
            + " (its log follows on stderr)…");
    out.flush();
    Services services = new Services(config.stateDir(), out);
    AtomicReference<Worker> running = new AtomicReference<>();
    PrintWriter err = spec.commandLine().getErr();
    // Ctrl-C: stop the worker (its running step gets its grace), then every service it started.
    Thread hook =
        new Thread(
            () -> {
              Worker w = running.get();
              if (w != null) {
                w.stop();
                err.println(
                    "devops-worker: demo stopping" + w.stopping().map(m -> ", " + m).orElse(""));
                err.flush();
                try {
                  w.awaitFinished(w.stopBound().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              services.stop();
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      runOnce(config, running);
      if (keys.isPresent() && trustRunbook(keys.get(), config, out)) {
        runOnce(config, running);
      }
    } finally {
      services.stop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs: it waits for the stop above, which holds the lock it needs
      }
    }
    out.println();
    out.println("what happened:");
    Set<String> ids = before.keySet();
    for (Task task :
        board.read(TaskFilter.parse("[?(@.agent == 'DevOps-Engineer')]"), ids).tasks()) {
      JsonNode result = task.json().path("result");
      out.printf(
          "  %-9s %-22s %-11s → %-9s %s%n",
          task.id(),
          task.text("type"),
          before.getOrDefault(task.id(), "?"),
          task.text("status"),
          result.path("message").asText(""));
      if (result.hasNonNull("log")) {
        out.println("            log: " + result.path("log").asText());
      }
    }
    List<Task> followUps =
        board.select(TaskFilter.parse("[?(@.payload.created_by == 'DevOps-Engineer')]"));
    if (!followUps.isEmpty()) {
      out.println();
      out.println("follow-up tasks for other agents:");
      for (Task t : followUps) {
        out.printf(
            "  %-9s %-19s → %-16s %s%n",
            t.id(),
            t.text("type"),
            t.text("agent"),
            t.json().path("payload").path("title").asText(""));
      }
    }
    HumanRequests humans = new HumanRequests(config.humanRequests(), config.clock());
    List<Entry> asked = humans.entries().stream().filter(Entry::byWorker).toList();
    if (!asked.isEmpty()) {
      out.println();
      out.println("asked the humans in " + project.relativize(config.humanRequests()) + ":");
      for (Entry e : asked) {
        out.printf("  %-9s %s%n", e.id(), e.title());
      }
      asked.stream()
          .filter(e -> e.key().map(k -> k.endsWith("/approval")).orElse(false))
          .findFirst()
          .ifPresent(e -> howToAnswer(out, project, e, keys));
    }
    out.println();
    out.println("board:   " + boardFile);
    out.println("journal: " + config.stateDir().resolve("journal.jsonl"));
    out.flush();
    return ExitCode.OK;
  }

  private void runOnce(WorkerConfig config, AtomicReference<Worker> running)
      throws IOException, InterruptedException {
    try (Worker worker = Worker.open(config)) {
      running.set(worker);
      worker.run(true);
    } finally {
      running.set(null);
    }
  }

  /**
   * With signers, the worker runs only runbook content a signer trusted: its first run asks, and
   * the demo's human answers as {@code devops-worker trust-runbook} would. True when it signed.
   */
  private boolean trustRunbook(DemoKeys keys, WorkerConfig config, PrintWriter out)
      throws IOException, InterruptedException {
    HumanDecisions.OpenRequest request;
    try {
      request = HumanDecisions.openRunbook(config);
    } catch (IOException notAsked) {
      return false;
    }
    out.println(
        "the worker asked a signer to trust the runbook ("
            + request.id()
            + "); the demo's human signs it, as devops-worker trust-runbook does, and the worker"
            + " runs again…");
    out.flush();
    keys.trustRunbook(config, Main.env(spec));
    return true;
  }

  private static void howToAnswer(
      PrintWriter out, Path project, Entry approval, Optional<DemoKeys> keys) {
    String jar = "java -jar " + jarPath();
    String where = " --board .plan/tasks.json --state-dir .devops-worker";
    out.println();
    out.println("to approve the production deployment, as a human:");
    if (keys.isPresent()) {
      out.println(
          "  cd "
              + project
              + " && "
              + jar
              + " approve "
              + approval.id()
              + " --key "
              + project.relativize(keys.get().key())
              + where);
      out.println("then let the worker act on the signed answer:");
      out.println(
          "  "
              + jar
              + " run --once --runbook deployment.md --signers "
              + project.relativize(keys.get().signers())
              + where);
      out.println(
          "(the key and the signers file are the demo's throwaway ones; reject works the same.)");
    } else {
      out.println(
          "  in .plan/human-requests.md replace the line under **Human Response** of "
              + approval.id()
              + " with: approve");
      out.println(
          "  then: cd "
              + project
              + " && "
              + jar
              + " run --once --runbook deployment.md --allow-unsigned-approvals"
              + where);
      out.println("(ssh-keygen was not found, so this demo runs without signatures.)");
    }
    out.println(
        "The services it deploys keep running after you stop it (as deployed services should);"
            + " stop them with: kill $(cat "
            + project.resolve(".devops-worker")
            + "/environments/*/greeter.pid)");
  }

  private static String jarPath() {
    try {
      Path jar =
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.toString().endsWith(".jar") ? jar.toString() : "target/devops-worker.jar";
    } catch (URISyntaxException | RuntimeException e) {
      return "target/devops-worker.jar";
    }
  }

  private static Map<String, String> statuses(Board board) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (Task t : board.select(TaskFilter.parse("[?(@.agent == 'DevOps-Engineer')]"))) {
      out.put(t.id(), t.text("status"));
    }
    return out;
  }

  /** Where each example goes in the project: the board under .plan/, the rest as shipped. */
  private static final String BOARD_EXAMPLE = "tasks.json.example";

  private static final String BOARD = ".plan/tasks.json";

  /** Files and directories the demo writes besides the examples: it would change them. */
  private static final List<String> ALSO_WRITTEN =
      List.of(".plan/human-requests.md", ".devops-worker", "keys", "operator");

  /**
   * Exit 2 before anything is copied when a file the demo would write already exists in {@code
   * project}: the demo never replaces or changes a file of yours.
   */
  static void refuseExisting(Path project) throws IOException {
    List<String> targets = new ArrayList<>();
    withExamples(root -> targets.addAll(targets(root).values()));
    targets.addAll(ALSO_WRITTEN);
    for (String t : targets) {
      Path target = project.resolve(t);
      if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException(
            "demo: "
                + target
                + " already exists; the demo never replaces a file: give it a new or empty"
                + " directory, or none for a temporary one (nothing was copied)");
      }
    }
  }

  /** Copies the examples packed in the jar (or in target/classes) under {@code demo/}. */
  static void copyExamples(Path project) throws IOException {
    withExamples(
        root -> {
          for (Map.Entry<Path, String> e : targets(root).entrySet()) {
            Path target = project.resolve(e.getValue());
            Files.createDirectories(target.getParent());
            try (InputStream in = Files.newInputStream(e.getKey())) {
              Files.copy(in, target); // fails on an existing file: never replaces one
            }
          }
        });
  }

  private interface ExamplesAction {
    void accept(Path root) throws IOException;
  }

  private static void withExamples(ExamplesAction action) throws IOException {
    URL root = DemoCommand.class.getResource("/demo");
    if (root == null) {
      throw new IOException(
          "the examples are missing from this build (no /demo resource); rebuild with mvn package");
    }
    try {
      URI uri = root.toURI();
      if (uri.getScheme().equals("jar")) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          action.accept(jar.getPath("/demo"));
        }
      } else {
        action.accept(Path.of(uri));
      }
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the examples: " + root, e);
    }
  }

  /** Each example file and where it goes in the project, in a stable order. */
  private static Map<Path, String> targets(Path from) throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(from)) {
      files = all.filter(Files::isRegularFile).sorted().toList();
    }
    Map<Path, String> out = new LinkedHashMap<>();
    for (Path f : files) {
      String relative = from.relativize(f).toString();
      out.put(f, relative.equals(BOARD_EXAMPLE) ? BOARD : relative);
    }
    return out;
  }

  /** Waits for a stopped service to be gone (SIGTERM, then SIGKILL after 10 s). */
  private static void awaitExit(ProcessHandle p) {
    try {
      p.onExit().get(10, TimeUnit.SECONDS);
    } catch (TimeoutException slow) {
      p.destroyForcibly();
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for pid " + p.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The services the demo's runbook started: it writes a pid file per service under the demo's
   * state dir. Stopped once, whoever asks first (the end of the demo or Ctrl-C); a second caller
   * waits for the first to finish.
   */
  static final class Services {
    private final Path stateDir;
    private final PrintWriter out;
    private boolean stopped;

    Services(Path stateDir, PrintWriter out) {
      this.stateDir = stateDir;
      this.out = out;
    }

    synchronized void stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      try {
        stopServices(stateDir, out);
      } catch (IOException e) {
        out.println("could not stop every demo service: " + e.getMessage());
      }
      out.flush();
    }
  }

  /** The example runbook writes a pid file per service it starts; the demo stops them all. */
  private static void stopServices(Path stateDir, PrintWriter out) throws IOException {
    if (!Files.isDirectory(stateDir)) {
      return;
    }
    List<Path> pidFiles = new ArrayList<>();
    try (Stream<Path> all = Files.walk(stateDir)) {
      all.filter(p -> p.getFileName().toString().endsWith(".pid")).forEach(pidFiles::add);
    }
    for (Path pidFile : pidFiles) {
      String text = Files.readString(pidFile).strip();
      if (!text.matches("\\d{1,10}")) {
        continue;
      }
      ProcessHandle.of(Long.parseLong(text))
          .filter(ProcessHandle::isAlive)
          .ifPresent(
              p -> {
                p.destroy();
                awaitExit(p);
                out.println(
                    "stopped service pid " + p.pid() + " (" + stateDir.relativize(pidFile) + ")");
              });
    }
  }
}

package dev.taskboard.devops.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The Markdown report of a {@link HostileTorture} run: set-up, invariants, observations. */
final class HostileReport {
  record Row(String check, String meaning, String result, boolean holds) {}

  String date;
  String loadBefore;
  String loadAfter;
  String command;
  long seed;
  Path out;
  long runMs;
  long drainMs;
  boolean drainSettled;
  long termMs;
  Integer termExit;
  int onceExit;
  long onceMs;
  long totalMs;
  boolean daemonRanThrough;
  List<HostileGenerator> generators = List.of();

  final List<Row> rows = new ArrayList<>();
  final List<String[]> notes = new ArrayList<>();
  final List<String> violations = new ArrayList<>();

  void row(String check, String meaning, String result, boolean holds) {
    rows.add(new Row(check, meaning, result, holds));
  }

  void note(String figure, String value) {
    notes.add(new String[] {figure, value});
  }

  synchronized void violation(String v) {
    violations.add(v);
  }

  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Reliability: hostile input\n\n");
    sb.append(
        "The real `devops-worker run` daemon serves a board while seeded generators feed it what"
            + " hostile or clumsy agents write: tasks with odd ids and huge payloads, hot writers"
            + " that ignore the lock and sometimes leave the board half-written, a vandal of"
            + " `human-requests.md` and a tamperer of the journal. Then it drains, gets SIGTERM, a"
            + " final `run --once` runs, and the board, the journal, the runbook's side effects and"
            + " the logs are checked. Measured by `HostileTorture`"
            + " (src/test/java/dev/taskboard/devops/bench/).\n\n");
    sb.append("```sh\n").append(command).append("\n```\n\n");
    sb.append("| machine | |\n|---|---|\n");
    sb.append("| date | ").append(date).append(" |\n");
    sb.append("| `nproc` | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
    sb.append("| `java -version` | ").append(System.getProperty("java.version")).append(" |\n");
    sb.append("| kernel | ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.version"))
        .append(" |\n");
    sb.append("| load average | ")
        .append(loadBefore)
        .append(" before, ")
        .append(loadAfter)
        .append(" after (shared machine) |\n");
    sb.append("| seed | ").append(seed).append(" |\n");
    sb.append("| duration | stream ")
        .append(String.format("%.1f", runMs / 60000.0))
        .append(" min, drain ")
        .append(String.format("%.1f", drainMs / 1000.0))
        .append(" s, SIGTERM ")
        .append(termMs)
        .append(" ms, final run --once ")
        .append(String.format("%.1f", onceMs / 1000.0))
        .append(" s; ")
        .append(String.format("%.1f", totalMs / 60000.0))
        .append(" min in all |\n");
    sb.append("| scratch project, HOME, XDG_*, logs | `").append(out).append("` |\n\n");

    sb.append("## Set-up\n\n");
    sb.append(
        "- Board: `.plan/tasks.json`, a 60 kB top-level array of other agents' tasks (UTF-8 with"
            + " accents, CJK and emoji); `human-requests.md` from the shipped template beside it.\n"
            + "- Daemon: `java -jar <copy of the jar> run --board … --runbook … --rescan 5`, with"
            + " HOME and XDG_* under the scratch directory, so its state dir (journal, key, logs)"
            + " is `$XDG_STATE_HOME/devops-worker/<project>-<hash>/` and its instance lock under"
            + " `$XDG_RUNTIME_DIR`.\n"
            + "- Runbook: quick `sh` steps for `infrastructure_update`, `deployment_staging`,"
            + " `deployment_production`; deploy appends `$TASK_PAYLOAD_TAG $TASK_TYPE` to"
            + " `marks/deploy.marks` and fails when the payload says `\"fail\": \"yes\"`; 1"
            + " attempt; gates: staging none, production `stakeholder_approval` only. Another"
            + " file, `evil.md`, has a section whose step appends to `marks/evil.marks`: the"
            + " operator never names it.\n"
            + "- Generators (each its own `Random` from the seed, paced by a scheduled"
            + " executor):\n"
            + "  - **tasks** (every 2 s, through the board API under the lock): ids `..`, `.`,"
            + " `../../etc/passwd`, `/`, `~`…; 300-byte ids (ASCII or `é`); ids with a newline"
            + " that forges a log line, ANSI colour, OSC title and hyperlink escapes, NUL, a"
            + " right-to-left override, CR + erase-line, DEL; numeric ids and then their string"
            + " twin (must be refused); payload values of 129–400 KiB (over the kernel's 128 KiB"
            + " per variable); payloads naming `evil.md` (relative or absolute); payloads that"
            + " make the deploy fail; staging deployments; production deployments (need a human's"
            + " signed approval).\n"
            + "  - **lock-ignoring-1 / -2** (every 1.5 s / 2.3 s): bursts of 1–6 whole-board"
            + " rewrites with Jackson + temp file + rename, one in three pausing 0–400 ms between"
            + " read and rename (a stale copy), one in five instead truncating the board in place,"
            + " writing half, holding 0.1–1.5 s and writing the rest.\n"
            + "  - **requests-vandal** (every 2.5 s, ignoring the lock): `café` in cp1252 appended"
            + " and removed 0.2–2 s later; forged `### HITL-999` entries under Pending answered"
            + " `approve`, with and without a worker-style marker line; copies of the worker's"
            + " entries under the same id inside HTML comments, with and without the marker line;"
            + " plain `approve` answers (`approve`, `Approve.`, `- approve`, `APPROVE`) written"
            + " into the worker's open entries.\n"
            + "  - **journal-tamper** (every 3 s, on `journal.jsonl` in the state dir): torn"
            + " lines with and without a line ending, forged `outcome` (deployed), `claim` and"
            + " `decision` (approve) lines, unsealed or with a made-up mac, and earlier sealed"
            + " lines replayed at the end.\n"
            + "- **locked reader**: a separate JVM (fcntl locks belong to a process) that reads"
            + " the board under `tasks.json.devops-lock` every 15 ms and parses each new"
            + " version.\n"
            + "- End: the generators stop; the harness waits until no fed task is pending or"
            + " in_progress for 12 s (capped at 5 min), sends SIGTERM, stops the reader, and runs"
            + " `run --once`.\n\n");

    sb.append("## Results\n\n| check | what it means | result | holds |\n|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append("| ")
          .append(r.check())
          .append(" | ")
          .append(r.meaning())
          .append(" | ")
          .append(cell(r.result()))
          .append(" | ")
          .append(r.holds() ? "yes" : "**NO**")
          .append(" |\n");
    }
    sb.append("\n## What the generators did\n\n| generator | ticks | actions | failed ticks |\n");
    sb.append("|---|---|---|---|\n");
    for (HostileGenerator g : generators) {
      Map<String, Long> done = new TreeMap<>();
      g.done.forEach((k, v) -> done.put(k, v.get()));
      sb.append("| ")
          .append(g.name)
          .append(" | ")
          .append(g.ticks())
          .append(" | ")
          .append(cell(done.toString()))
          .append(" | ")
          .append(g.failures())
          .append(g.firstFailure() == null ? "" : " (first: " + cell(g.firstFailure()) + ")")
          .append(" |\n");
    }
    sb.append("\n## Observations\n\n| figure | value |\n|---|---|\n");
    for (String[] n : notes) {
      sb.append("| ").append(n[0]).append(" | ").append(cell(n[1])).append(" |\n");
    }
    sb.append("\n## Violations\n\n");
    if (violations.isEmpty()) {
      sb.append("None: every invariant held.\n");
    } else {
      for (String v : violations) {
        sb.append("- ").append(cell(v)).append('\n');
      }
    }
    return sb.toString();
  }

  private static String cell(String s) {
    return HostileTasks.printable(s).replace("|", "\\|").replace("\n", " ");
  }
}

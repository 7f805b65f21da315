package dev.taskboard.devops.journal;

import dev.taskboard.devops.journal.JournalEvent.AnswerSeen;
import dev.taskboard.devops.journal.JournalEvent.Asked;
import dev.taskboard.devops.journal.JournalEvent.Claim;
import dev.taskboard.devops.journal.JournalEvent.Decided;
import dev.taskboard.devops.journal.JournalEvent.Deferred;
import dev.taskboard.devops.journal.JournalEvent.Outcome;
import dev.taskboard.devops.journal.JournalEvent.Requeue;
import dev.taskboard.devops.journal.JournalEvent.Restore;
import dev.taskboard.devops.journal.JournalEvent.State;
import dev.taskboard.devops.journal.JournalEvent.StepEnded;
import dev.taskboard.devops.journal.JournalEvent.StepProcess;
import dev.taskboard.devops.journal.JournalEvent.StepStarted;
import dev.taskboard.devops.journal.JournalEvent.Summary;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Journal events to and from the JSON objects of the file's lines. The wire names ({@code claim},
 * {@code hitl}, {@code decision}, …) are those the journal has always had, so an older journal
 * reads the same.
 */
final class Codec {
  private Codec() {}

  static Map<String, Object> toMap(JournalEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ts", e.at().toString());
    m.put("event", name(e));
    m.put("task", e.task());
    // Java 17 has no pattern matching for switch: one instanceof per kind of event.
    if (e instanceof Claim c) {
      m.put("pid", c.pid());
      m.put("host", c.host());
      m.put("fields", c.fields());
    } else if (e instanceof StepStarted s) {
      m.put("attempt", s.attempt());
      m.put("step", s.step());
    } else if (e instanceof StepProcess s) {
      m.put("step", s.step());
      m.put("pid", s.pid());
      m.put("started", s.started());
    } else if (e instanceof StepEnded s) {
      m.put("attempt", s.attempt());
      m.put("step", s.step());
      m.put("exit", s.exit());
      m.put("duration_ms", s.durationMs());
      m.put("how", s.how());
    } else if (e instanceof Outcome o) {
      m.put("status", o.status());
      m.put("message", o.message());
      m.put("fields", o.fields());
      if (o.deployStepRan() != null) {
        m.put("deploy_step_ran", o.deployStepRan());
      }
    } else if (e instanceof Summary s) {
      m.put("status", s.status());
      m.put("message", s.message());
      m.put("rollback", s.rollback());
      m.put("attempts", s.attempts());
      m.put("deploy_step_ran", s.deployStepRan());
    } else if (e instanceof State s) {
      m.put("fields", s.written());
      m.put("open", s.open());
      m.put("pid", s.pid());
      m.put("host", s.host());
      m.put("attempts", s.attempts());
      m.put("outcome", s.outcome() == null ? "" : s.outcome());
      m.put("step_pid", s.stepPid());
      m.put("step_started", s.stepStarted());
      m.put("changing", s.changing());
      m.put("deploy_step_ran", s.deployStepRan());
    } else if (e instanceof Requeue r) {
      m.put("message", r.message());
    } else if (e instanceof Restore r) {
      m.put("message", r.message());
    } else if (e instanceof Asked a) {
      m.put("hitl", a.hitl());
      m.put("kind", a.kind());
      m.put("checks", a.checks());
      m.put("release", a.release());
      m.put("environment", a.environment());
      m.put("runbook", a.runbookDigest());
      m.put("nonce", a.nonce());
    } else if (e instanceof Deferred d) {
      m.put("kind", d.kind());
      m.put("request", d.request());
    } else if (e instanceof Decided d) {
      m.put("hitl", d.hitl());
      m.put("kind", d.kind());
      m.put("decision", d.decision());
      m.put("text", d.text());
      m.put("release", d.release());
      m.put("principal", d.principal());
      m.put("signature", d.signature());
    } else if (e instanceof AnswerSeen s) {
      m.put("hitl", s.hitl());
      m.put("response", s.response());
    }
    return m;
  }

  static String name(JournalEvent e) {
    if (e instanceof Claim) {
      return "claim";
    } else if (e instanceof StepStarted) {
      return "step_start";
    } else if (e instanceof StepProcess) {
      return "step_process";
    } else if (e instanceof StepEnded) {
      return "step_end";
    } else if (e instanceof Outcome) {
      return "outcome";
    } else if (e instanceof Summary) {
      return "summary";
    } else if (e instanceof State) {
      return "state";
    } else if (e instanceof Requeue) {
      return "requeue";
    } else if (e instanceof Restore) {
      return "restore";
    } else if (e instanceof Asked) {
      return "hitl";
    } else if (e instanceof Decided) {
      return "decision";
    } else if (e instanceof Deferred) {
      return "hitl_deferred";
    }
    return "hitl_seen";
  }

  /**
   * The event a line's object holds.
   *
   * @throws IllegalArgumentException naming what is missing or wrong, for a line to skip
   */
  static JournalEvent fromMap(Map<String, Object> m) {
    if (m == null) {
      throw new IllegalArgumentException("not a JSON object"); // the line "null"
    }
    Fields f = new Fields(m);
    Instant at = f.instant("ts");
    String task = f.text("task");
    String event = f.text("event");
    return switch (event) {
      case "claim" -> new Claim(at, task, f.number("pid"), f.text("host"), f.map("fields"));
      case "step_start" -> new StepStarted(at, task, (int) f.number("attempt"), f.text("step"));
      case "step_process" ->
          new StepProcess(at, task, f.text("step"), f.number("pid"), f.text("started"));
      case "step_end" ->
          new StepEnded(
              at,
              task,
              (int) f.number("attempt"),
              f.text("step"),
              (int) f.number("exit"),
              f.number("duration_ms"),
              f.text("how"));
      case "outcome" ->
          new Outcome(
              at,
              task,
              f.text("status"),
              f.text("message"),
              f.map("fields"),
              f.optionalBoolean("deploy_step_ran"));
      case "summary" ->
          new Summary(
              at,
              task,
              f.text("status"),
              f.optionalText("message"),
              f.optionalText("rollback"),
              (int) f.number("attempts"),
              Boolean.TRUE.equals(f.optionalBoolean("deploy_step_ran")));
      case "state" ->
          new State(
              at,
              task,
              f.map("fields"),
              Boolean.TRUE.equals(f.optionalBoolean("open")),
              f.number("pid"),
              f.optionalText("host"),
              (int) f.number("attempts"),
              f.optionalText("outcome").isEmpty() ? null : f.optionalText("outcome"),
              f.number("step_pid"),
              f.optionalText("step_started"),
              Boolean.TRUE.equals(f.optionalBoolean("changing")),
              Boolean.TRUE.equals(f.optionalBoolean("deploy_step_ran")));
      case "requeue" -> new Requeue(at, task, f.optionalText("message"));
      case "restore" -> new Restore(at, task, f.optionalText("message"));
      case "hitl" ->
          new Asked(
              at,
              task,
              f.text("hitl"),
              f.text("kind"),
              f.texts("checks"),
              f.optionalText("release"),
              f.optionalText("environment"),
              f.optionalText("runbook"),
              f.optionalText("nonce"));
      case "decision" ->
          new Decided(
              at,
              task,
              f.text("hitl"),
              f.text("kind"),
              f.text("decision"),
              f.optionalText("text"),
              f.optionalText("release"),
              f.optionalText("principal"),
              f.optionalText("signature"));
      case "hitl_deferred" -> new Deferred(at, task, f.text("kind"), f.map("request"));
      case "hitl_seen" -> new AnswerSeen(at, task, f.text("hitl"), f.optionalText("response"));
      default -> throw new IllegalArgumentException("unknown event \"" + event + "\"");
    };
  }

  /** Typed access to a line's fields; a missing or mistyped one is an IllegalArgumentException. */
  private record Fields(Map<String, Object> m) {
    String text(String name) {
      if (m.get(name) instanceof String s) {
        return s;
      }
      throw missing(name, "text");
    }

    String optionalText(String name) {
      Object v = m.get(name);
      return v instanceof String s ? s : "";
    }

    Boolean optionalBoolean(String name) {
      return m.get(name) instanceof Boolean b ? b : null;
    }

    long number(String name) {
      if (m.get(name) instanceof Number n) {
        return n.longValue();
      }
      throw missing(name, "a number");
    }

    Instant instant(String name) {
      try {
        return Instant.parse(text(name));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(name + " is not a time: " + m.get(name));
      }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(String name) {
      if (m.get(name) instanceof Map<?, ?> v) {
        return (Map<String, Object>) v;
      }
      throw missing(name, "an object");
    }

    List<String> texts(String name) {
      List<String> out = new ArrayList<>();
      if (m.get(name) instanceof List<?> l) {
        l.forEach(x -> out.add(String.valueOf(x)));
      }
      return out;
    }

    private static IllegalArgumentException missing(String name, String kind) {
      return new IllegalArgumentException("no " + name + " (" + kind + ")");
    }
  }
}

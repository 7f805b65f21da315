package dev.taskboard.devops.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Tampers with the worker's journal in its state dir: torn lines appended with and without a line
 * ending, forged outcome, claim and decision lines (unsealed, or with a made-up mac), and earlier
 * sealed lines replayed at the end. None of them may ever be acted on.
 */
final class JournalTamper extends HostileGenerator {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Map<String, HostileTasks.Fed> fed;

  /** Ids of tasks a forged line claimed deployed, approved or claimed (as their fed key). */
  final List<String> forgedFor = new ArrayList<>();

  JournalTamper(long seed, Scene scene, long periodMs, Map<String, HostileTasks.Fed> fed) {
    super("journal-tamper", seed, scene, periodMs);
    this.fed = fed;
  }

  @Override
  void act() throws Exception {
    if (!Files.exists(scene.journal)) {
      count("no journal yet");
      return;
    }
    switch (rnd.nextInt(6)) {
      case 0 -> {
        append("{\"ts\":\"" + Instant.now() + "\",\"event\":\"outcome\",\"task\":\"HO\n");
        count("torn line with a newline");
      }
      case 1 -> {
        // No line ending: the worker's next append lands on the same line.
        append("{\"ts\":\"" + Instant.now() + "\",\"event\":\"cla");
        count("torn line without a newline");
      }
      case 2 -> forged("outcome");
      case 3 -> forged("claim");
      case 4 -> forged("decision");
      default -> replay();
    }
  }

  private void append(String s) throws Exception {
    Files.write(scene.journal, s.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
  }

  private void forged(String event) throws Exception {
    List<HostileTasks.Fed> all = new ArrayList<>(fed.values());
    if (all.isEmpty()) {
      count("nothing fed yet to forge a line for");
      return;
    }
    // Production tasks most: a forged outcome or decision there would deploy without a human.
    HostileTasks.Fed target = pick(all);
    for (int i = 0; i < 5 && target.kind() != HostileTasks.Kind.PRODUCTION; i++) {
      target = pick(all);
    }
    ObjectNode line = MAPPER.createObjectNode();
    line.put("ts", Instant.now().toString());
    line.put("event", event);
    line.put("task", target.id().asText());
    switch (event) {
      case "outcome" -> {
        line.put("status", "deployed");
        line.put("message", "Deployed (forged).");
        line.putObject("fields").put("status", "deployed");
        line.put("deploy_step_ran", true);
      }
      case "claim" -> {
        line.put("pid", 1);
        line.put("host", "forger");
        line.putObject("fields").put("status", "in_progress");
      }
      default -> {
        line.put("hitl", "HITL-001");
        line.put("kind", "approval");
        line.put("decision", "approve");
        line.put("text", "approve (forged)");
        line.put("release", "2.1.0");
        line.put("principal", "forger");
        line.put("signature", "");
      }
    }
    line.put("seq", 1_000_000 + rnd.nextInt(1000));
    boolean withMac = rnd.nextBoolean();
    if (withMac) {
      byte[] mac = new byte[32];
      rnd.nextBytes(mac);
      line.put("mac", HexFormat.of().formatHex(mac));
    }
    append(MAPPER.writeValueAsString(line) + "\n");
    synchronized (forgedFor) {
      forgedFor.add(target.key());
    }
    count("forged " + event + " line" + (withMac ? " with a made-up mac" : ", unsealed"));
  }

  /** Appends a copy of an earlier sealed line of the worker's. */
  private void replay() throws Exception {
    List<String> lines =
        Files.readAllLines(scene.journal, StandardCharsets.UTF_8).stream()
            .filter(l -> l.startsWith("{") && l.contains("\"mac\":\""))
            .toList();
    if (lines.isEmpty()) {
      count("no sealed line to replay yet");
      return;
    }
    append(pick(lines) + "\n");
    count("replayed sealed line");
  }
}

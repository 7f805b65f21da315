package dev.taskboard.devops.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopSignalTest {

  @Test
  void request_runsRegisteredActionsOnce_butNotForgottenOnes() {
    StopSignal stop = new StopSignal();
    List<String> ran = new ArrayList<>();
    stop.whenRequested(() -> ran.add("kept"));
    stop.whenRequested(() -> ran.add("forgotten")).close();

    assertFalse(stop.isRequested());
    stop.request();
    stop.request();

    assertTrue(stop.isRequested());
    assertEquals(List.of("kept"), ran);
  }

  @Test
  void whenRequested_afterTheRequest_runsAtOnce() {
    StopSignal stop = new StopSignal();
    stop.request();
    List<String> ran = new ArrayList<>();

    stop.whenRequested(() -> ran.add("late")).close();

    assertEquals(List.of("late"), ran);
  }
}

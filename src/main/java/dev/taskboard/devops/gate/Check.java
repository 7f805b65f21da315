package dev.taskboard.devops.gate;

/** One check's verdict and the evidence it rests on, in one sentence naming its source. */
public record Check(String name, Verdict verdict, String evidence) {
  static Check pass(String name, String evidence) {
    return new Check(name, Verdict.PASS, evidence);
  }

  static Check fail(String name, String evidence) {
    return new Check(name, Verdict.FAIL, evidence);
  }

  static Check inconclusive(String name, String evidence) {
    return new Check(name, Verdict.INCONCLUSIVE, evidence);
  }
}

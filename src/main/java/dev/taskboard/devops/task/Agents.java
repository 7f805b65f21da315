package dev.taskboard.devops.task;

/** The team's agent names, as the board's {@code agent} field spells them. */
public final class Agents {
  /** The worker's own role. */
  public static final String DEVOPS_ENGINEER = "DevOps-Engineer";

  public static final String TASK_CODER = "Task-Coder";
  public static final String PRODUCT_MANAGER = "Product-Manager";
  public static final String TESTER = "Tester";
  public static final String UI_TESTER = "UI-Tester";
  public static final String CODE_REVIEWER = "Code-Reviewer";

  private Agents() {}
}

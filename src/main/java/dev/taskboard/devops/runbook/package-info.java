/**
 * The deployment runbook: {@code deployment.md} parsed into task sections, phases and steps ({@link
 * dev.taskboard.devops.runbook.Runbook}), and each step run as a real process with a timeout, a
 * stop signal, its task's data as environment variables and redacted output ({@link
 * dev.taskboard.devops.runbook.StepRunner}).
 */
package dev.taskboard.devops.runbook;

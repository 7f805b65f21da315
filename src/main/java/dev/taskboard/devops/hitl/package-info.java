/**
 * human-requests.md, where humans answer the agents: the worker appends its escalations under
 * Pending, reads the humans' responses, and moves its own answered entries to Resolved.
 *
 * <p>A worker entry is a {@code ### HITL-NNN: title} heading, a {@code <!-- devops-worker key="..."
 * -->} line (the key that makes escalations idempotent), then {@code - **Name**: value} fields:
 * Type, Priority, Submitted By (DevOps-Engineer), Task ID, Question, Context (items indented under
 * it), Status, Human Response (a placeholder item the human replaces). Every other byte of the file
 * stays as its authors wrote it; writes take the same sidecar lock and atomic replace as the task
 * board ({@link dev.taskboard.devops.files.LockedUpdate}).
 */
package dev.taskboard.devops.hitl;

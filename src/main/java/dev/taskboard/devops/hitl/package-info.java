/**
 * human-requests.md, where humans answer the agents: the worker appends its escalations under
 * Pending, reads the humans' responses, and moves its own answered entries to Resolved.
 *
 * <p>What counts is what a Markdown reader sees: commonmark-java decides which lines are top-level
 * headings and breaks; text inside HTML comments and code blocks is no entry, heading or field. A
 * worker entry is a {@code ### HITL-NNN: title} heading, then the line {@code <!-- devops-worker
 * entry="HITL-NNN" nonce="<32 hex digits>" key="<task id>/<reason>" -->} (the nonce from {@link
 * java.security.SecureRandom}; the key only a label), then its fields: Type, Priority, Submitted By
 * (DevOps-Engineer), Task ID, Question, Context (items indented under it), Status, Human Response
 * (a placeholder the human replaces) — as {@code - **Name**: value} items, or as the team's {@code
 * **Name:** value} paragraphs followed by {@code ---} when the file's other entries are written so.
 *
 * <p>The caller keeps each entry's {@link dev.taskboard.devops.hitl.EntryRef} (id and nonce) and
 * acts only on what {@link dev.taskboard.devops.hitl.Requests#find} finds for it: one entry with
 * that id, carrying that nonce. {@link dev.taskboard.devops.hitl.HumanRequests#read} never throws;
 * {@link dev.taskboard.devops.hitl.Decision#parse} reads a plain answer by a strict one-word
 * grammar. Every other byte of the file stays as its authors wrote it; writes take the same sidecar
 * lock and atomic replace as the task board ({@link dev.taskboard.devops.files.LockedUpdate}), and
 * an entry the worker writes is read back before the file is replaced.
 */
package dev.taskboard.devops.hitl;

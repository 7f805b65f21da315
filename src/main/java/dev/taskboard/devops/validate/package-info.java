/**
 * {@code devops-worker validate} and {@code init}: checks the board, the runbook and
 * human-requests.md without changing a byte, reporting every problem as {@code file:line:column:
 * what is wrong; what to do}; and lays out the files a new project needs, in a form that passes
 * those checks.
 *
 * <p>The checks are tolerant where the worker is strict: the worker refuses a board at its first
 * missing id, validate reads on and reports all of them, repeated ones once with a count.
 */
package dev.taskboard.devops.validate;

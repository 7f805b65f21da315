/**
 * The worker's journal: its own record of what it did, one JSON event per line, written before the
 * board says so. The worker rebuilds its state from it; {@code report} reads the same events.
 */
package dev.taskboard.devops.journal;

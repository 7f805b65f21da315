/**
 * The team's vocabulary in one place: task statuses and types with their wire names and what they
 * mean to the worker, the agents' names, and the one JSON configuration every package reads and
 * writes the team's files with.
 */
package dev.taskboard.devops.task;

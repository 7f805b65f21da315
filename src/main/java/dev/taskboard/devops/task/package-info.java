/**
 * The team's vocabulary in one place: task statuses and types with their wire names and what they
 * mean to the worker, and the agents' names.
 */
package dev.taskboard.devops.task;

/**
 * Files the worker shares with other agents: the one locked-update protocol ({@link
 * dev.taskboard.devops.files.LockedUpdate}), atomic replacement, and the stamp that tells whether a
 * file changed. The board and human-requests.md are both written through it.
 */
package dev.taskboard.devops.files;

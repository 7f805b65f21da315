package dev.taskboard.devops.board;

/** Replace bytes {@code [start, end)} of a file version with {@code replacement}. */
record Splice(long start, long end, byte[] replacement) {}

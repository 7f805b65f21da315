#!/usr/bin/env python3
"""Run a command while holding devops-worker's board lock.

usage: with-board-lock.py BOARD COMMAND [ARG...]
The lock is an fcntl (POSIX) write lock on BOARD.devops-lock -- the one devops-worker takes
(Java's FileChannel.lock). Wait for it, run the command, release it when the command ends.
"""
import fcntl
import os
import subprocess
import sys

board = os.path.realpath(sys.argv[1])
with open(board + ".devops-lock", "a") as lock:
    fcntl.lockf(lock, fcntl.LOCK_EX)  # blocks while the worker writes
    result = subprocess.run(sys.argv[2:])
sys.exit(result.returncode)

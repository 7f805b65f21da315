#!/bin/sh
# Run a command while holding devops-worker's board lock.
# usage: with-board-lock.sh BOARD COMMAND [ARG...]
# The lock is an fcntl (POSIX) write lock on BOARD.devops-lock -- the one devops-worker takes.
# flock(1) takes a different kind of lock on Linux and does NOT exclude the worker, so this
# uses perl's fcntl (perl-base is part of every Debian/Ubuntu system). The struct flock
# layout below is Linux on 64-bit x86 and ARM.
board=$(realpath "$1") || exit 2
shift
exec perl -MFcntl -e '
  open(my $fh, ">>", $ARGV[0]) or die "$ARGV[0]: $!\n";
  my $flock = pack("s s x4 q q l x4", F_WRLCK, 0, 0, 0, 0);
  fcntl($fh, F_SETLKW, $flock) or die "cannot lock $ARGV[0]: $!\n";
  my $status = system(@ARGV[1 .. $#ARGV]);
  exit($status == -1 ? 127 : $status >> 8);
' "$board.devops-lock" "$@"

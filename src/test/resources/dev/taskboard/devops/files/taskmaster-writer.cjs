// Writes a Task Master board the way Task Master 0.43.1 does, under its locks, N times.
//
// usage: node taskmaster-writer.cjs BOARD N [PROPER_LOCKFILE_DIR]
//
// Each round reads BOARD, adds 1 to master.metadata.nodeCount and writes it back, alternating
// Task Master's two protocols on BOARD.lock (eyaltoledano/claude-task-master, tag
// task-master-ai@0.43.1, commit 1c7365cab1f1d8ee5b0ecc2292a9ba9cf5efea2e):
//  - odd rounds: tm-core's FileOperations.modifyJson
//    (packages/tm-core/src/modules/storage/adapters/file-storage/file-operations.ts:18-27,115-179):
//    proper-lockfile's directory lock with stale 10000, retries {5, factor 2, 100..1000 ms},
//    realpath false, then steno's write (.BOARD.tmp, rename). With PROPER_LOCKFILE_DIR the real
//    proper-lockfile module is used; else the mirror below of proper-lockfile 4.1.2
//    lib/lockfile.js:25-97 (acquireLock, isLockStale, removeLock) and lib/mtime-precision.js:19-22.
//  - even rounds: scripts/modules/utils.js withFileLockSync (lines 24-29, 193-294) as writeJSON
//    uses it (lines 1029, 1157-1166): an O_EXCL file holding {pid, timestamp}, stale after
//    10000 ms (renamed aside, unlinked), 5 attempts 100 ms * 2^attempt apart, then
//    BOARD.tmp.PID and rename.
// A round whose lock Task Master would have given up on ("Failed to acquire lock") is counted
// and run again, as a person re-running the command would. Sleeping between attempts is Task
// Master's own retry timing, mirrored on purpose.
//
// Protocol with the test on stdin/stdout: after the first odd round has its lock it prints
// "locked" and keeps the lock until a line arrives on stdin. At the end it prints one JSON line
// {"rounds", "gaveUp", "waits", "properLockfile"}.
'use strict';

const fs = require('fs');
const path = require('path');

const [board, roundsArg, properLockfileDir] = process.argv.slice(2);
const rounds = Number(roundsArg);
const lockPath = `${board}.lock`;
const realLockfile = properLockfileDir ? require(path.resolve(properLockfileDir)) : null;
const stats = { rounds: 0, gaveUp: 0, waits: 0, properLockfile: realLockfile !== null };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const STALE = 10000;

// file-operations.ts:18-27
const LOCK_OPTIONS = {
  stale: 10000,
  retries: { retries: 5, factor: 2, minTimeout: 100, maxTimeout: 1000 },
  realpath: false
};

// retry 0.12's timeouts for LOCK_OPTIONS.retries: 100, 200, 400, 800, 1000 ms.
const DIRECTORY_RETRY_DELAYS = [100, 200, 400, 800, 1000];

let precisionProbed = false;

// proper-lockfile lib/lockfile.js:25-82 with its retry loop (lines 230-240): mkdir, or a stale
// (mtime strictly older than stale) lock removed with rmdir and mkdir tried once more.
async function mirroredDirectoryLock() {
  for (let attempt = 0; ; attempt++) {
    if (tryMkdirLock()) {
      return async () => fs.rmdirSync(lockPath); // lib/lockfile.js:88-97
    }
    if (attempt === DIRECTORY_RETRY_DELAYS.length) {
      throw Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED' });
    }
    stats.waits++;
    await sleep(DIRECTORY_RETRY_DELAYS[attempt]);
  }
}

function tryMkdirLock() {
  try {
    fs.mkdirSync(lockPath);
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    let stat;
    try {
      stat = fs.statSync(lockPath);
    } catch (statErr) {
      if (statErr.code !== 'ENOENT') throw statErr;
      return tryMkdirOnce(); // lib/lockfile.js:60-62: retried with stale 0
    }
    if (stat.mtime.getTime() >= Date.now() - STALE) return false; // lib/lockfile.js:84-86
    try {
      fs.rmdirSync(lockPath); // lib/lockfile.js:88-97, ENOENT ignored
    } catch (rmErr) {
      if (rmErr.code !== 'ENOENT') throw rmErr;
    }
    return tryMkdirOnce();
  }
  probe();
  return true;
}

function tryMkdirOnce() {
  try {
    fs.mkdirSync(lockPath);
  } catch (err) {
    if (err.code === 'EEXIST') return false;
    throw err;
  }
  probe();
  return true;
}

// lib/mtime-precision.js:19-22: the first lock a process takes gets an mtime on the next second.
function probe() {
  if (!precisionProbed) {
    const mtime = new Date(Math.ceil(Date.now() / 1000) * 1000 + 5);
    fs.utimesSync(lockPath, mtime, mtime);
    precisionProbed = true;
  }
}

async function directoryLock() {
  if (!realLockfile) return mirroredDirectoryLock();
  try {
    return await realLockfile.lock(board, LOCK_OPTIONS);
  } catch (err) {
    if (err.code === 'ELOCKED') stats.waits++;
    throw err;
  }
}

// file-operations.ts:115-163 around the modifier; steno 4.0.2's Writer: .NAME.tmp, rename.
async function modifyJsonRound(holdUntilStdin) {
  const release = await directoryLock();
  try {
    if (holdUntilStdin) {
      process.stdout.write('locked\n');
      await lineOnStdin();
    }
    const data = increment(JSON.parse(fs.readFileSync(board, 'utf-8')));
    const temp = path.join(path.dirname(board), `.${path.basename(board)}.tmp`);
    fs.writeFileSync(temp, JSON.stringify(data, null, 2), 'utf-8');
    fs.renameSync(temp, board);
  } finally {
    await release();
  }
}

// utils.js:193-294 (withFileLockSync) around writeJSON's write, utils.js:1157-1166.
async function writeJsonRound() {
  let acquired = false;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify({ pid: process.pid, timestamp: Date.now() }), {
        flag: 'wx'
      });
      acquired = true;
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      try {
        const age = Date.now() - fs.statSync(lockPath).mtimeMs;
        if (age > STALE) {
          const stalePath = `${lockPath}.stale.${process.pid}.${Date.now()}`;
          try {
            fs.renameSync(lockPath, stalePath);
            try {
              fs.unlinkSync(stalePath);
            } catch {
              // utils.js:132-134 ignores this (a directory cannot be unlinked)
            }
            continue;
          } catch {
            // utils.js:136-139
          }
        }
      } catch (statErr) {
        if (statErr.code === 'ENOENT') continue;
        throw statErr;
      }
      if (attempt < 4) {
        stats.waits++;
        await sleep(100 * Math.pow(2, attempt)); // utils.js:263-267 (sleepSync there)
      }
    }
  }
  if (!acquired) {
    throw Object.assign(new Error(`Failed to acquire lock on ${board} after 5 attempts`), {
      code: 'ELOCKED'
    });
  }
  try {
    const data = increment(JSON.parse(fs.readFileSync(board, 'utf8')));
    const temp = `${board}.tmp.${process.pid}`;
    fs.writeFileSync(temp, JSON.stringify(data, null, 2), 'utf8');
    fs.renameSync(temp, board);
  } finally {
    fs.unlinkSync(lockPath);
  }
}

function increment(data) {
  data.master.metadata.nodeCount += 1;
  return data;
}

let stdinLines = null;
function lineOnStdin() {
  stdinLines ??= require('readline').createInterface({ input: process.stdin });
  return new Promise((resolve) => stdinLines.once('line', resolve));
}

async function main() {
  for (let round = 1; round <= rounds; round++) {
    for (;;) {
      try {
        if (round % 2 === 1) {
          await modifyJsonRound(round === 1);
        } else {
          await writeJsonRound();
        }
        break;
      } catch (err) {
        if (err.code !== 'ELOCKED') throw err;
        stats.gaveUp++;
      }
    }
    stats.rounds++;
  }
  process.stdout.write(JSON.stringify(stats) + '\n');
  stdinLines?.close();
}

main().catch((err) => {
  process.stderr.write(`taskmaster-writer: ${err.stack}\n`);
  process.exit(1);
});

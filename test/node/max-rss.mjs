// Preloaded with `node --import` by the CLI memory test: at exit, writes the process's peak
// resident set size in kB to the file named by MAX_RSS_FILE. On Linux this is VmHWM from
// /proc/self/status, the peak of this program's own address space: getrusage's ru_maxrss
// would also count the parent's memory at fork (it carries over exec), so a test process
// holding large arrays would inflate it.
import { readFileSync, writeFileSync } from 'node:fs';

function peakKb() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

process.on('exit', () => {
  if (process.env.MAX_RSS_FILE) writeFileSync(process.env.MAX_RSS_FILE, String(peakKb()));
});

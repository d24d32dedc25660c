// Preloaded into a measured process (node --require): when it exits, it writes its own CPU time
// and peak RSS to BENCH_USAGE_FILE. Only this process: the sandboxes and the harness are others.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;

function peakRssFromProc(): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // not Linux: getrusage's maxRSS stands alone
  }
}

if (file !== undefined && file !== '') {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userUs: usage.userCPUTime, systemUs: usage.systemCPUTime, maxRssKb: usage.maxRSS, vmHwmKb: peakRssFromProc() }));
  });
}

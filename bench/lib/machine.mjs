// Facts about the machine a benchmark ran on, quoted next to every figure.
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';

/**
 * Node version, CPU model (from /proc/cpuinfo where available), logical
 * core count and today's date (UTC, YYYY-MM-DD).
 *
 * @returns {{ node: string, cpu: string, cores: number, date: string }}
 */
export function machineFacts() {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return { node: process.version, cpu, cores: cpus().length, date: new Date().toISOString().slice(0, 10) };
}

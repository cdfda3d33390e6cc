/**
 * `session.trace()` against SIPp 3.6: SIPp's built-in `uac` scenario places one call to a manager
 * that answers it, with SIPp's message trace on (`-trace_msg`). The trace of the call on our side
 * holds exactly the messages SIPp logged, in the same order, with the direction mirrored (what
 * SIPp sent we received), the same start lines and the same CSeq.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SessionManager } from '../../src/index.js';
import type { CallSession } from '../../src/index.js';
import { sippGate } from '../helpers/interop-gate.js';
import { freePort } from '../helpers/ports.js';
import { runSipp } from '../helpers/sipp.js';
import { waitFor } from '../loopback/api-helpers.js';

interface LoggedMessage {
  /** Direction seen from our side: what SIPp sent arrived `in`. */
  readonly direction: 'in' | 'out';
  readonly firstLine: string;
  readonly cseq: string | undefined;
}

/** Parse SIPp's `-trace_msg` file: blocks headed by a dashed line, then "... message sent/received ...". */
function parseSippMessages(text: string): LoggedMessage[] {
  const out: LoggedMessage[] = [];
  const blocks = text.split(/^-{10,}.*$/m);
  for (const block of blocks) {
    const lines = block.split(/\r?\n/);
    const head = lines.findIndex((l) => /message (sent|received)/i.test(l));
    if (head < 0) continue;
    const sent = /message sent/i.test(lines[head]!);
    const body = lines.slice(head + 1).filter((l) => l.trim() !== '');
    const firstLine = body[0]?.trim();
    if (firstLine === undefined) continue;
    const cseq = body.find((l) => /^CSeq:/i.test(l))?.replace(/^CSeq:\s*/i, '').trim();
    out.push({ direction: sent ? 'in' : 'out', firstLine, cseq });
  }
  return out;
}

let manager: SessionManager | undefined;
let dir: string | undefined;

afterEach(async () => {
  await manager?.close();
  manager = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

sippGate().describe('session.trace() against a SIPp scenario', () => {
  it('records the messages SIPp exchanged with the call, in order', async () => {
    manager = await SessionManager.new({
      sip: { host: '127.0.0.1', port: 0, transports: ['UDP'] },
      media: { portRange: { min: 46000, max: 46999 } },
      close: { timeoutMs: 2000 },
    });
    const sessions: CallSession[] = [];
    manager.on('session', (s) => sessions.push(s));
    dir = mkdtempSync(join(tmpdir(), 'sipline-trace-'));
    const messageFile = join(dir, 'messages.log');
    const sippPort = await freePort();
    const result = await runSipp({
      scenario: 'uac', remote: `127.0.0.1:${manager.port}`, localPort: sippPort, transport: 'u1', calls: 1, rate: 1,
      timeoutSeconds: 20, extraArgs: ['-trace_msg', '-message_file', messageFile],
    }).done;
    expect(result.exitCode, result.log).toBe(0);
    expect(result.successfulCalls, result.log).toBe(1);
    expect(sessions).toHaveLength(1);
    const session = sessions[0]!;
    await session.ended();
    const logged = parseSippMessages(readFileSync(messageFile, 'latin1'));
    expect(logged.some((m) => m.direction === 'in' && m.firstLine.startsWith('ACK '))).toBe(true);
    // The 200 to SIPp's BYE may leave just after the session ended.
    await waitFor(() => session.trace().messages.length >= logged.length, 2000).catch(() => undefined);
    const trace = session.trace();
    const ours = trace.messages.map((m) => ({
      direction: m.direction,
      firstLine: m.firstLine,
      cseq: /\r\nCSeq:\s*([^\r\n]+)/i.exec(m.raw())?.[1]?.trim(),
    }));
    console.info(`[sipp trace] ${logged.length} messages logged by SIPp; ours: ${ours.map((m) => `${m.direction} ${m.firstLine}`).join(' | ')}`);
    expect(logged.length).toBeGreaterThanOrEqual(5);
    expect(ours).toEqual(logged);
    expect(trace.dropped).toBe(0);
    expect(ours[0]).toMatchObject({ direction: 'in' });
    expect(ours[0]!.firstLine).toMatch(/^INVITE /);
    expect(ours.at(-1)).toMatchObject({ direction: 'out', firstLine: 'SIP/2.0 200 OK' });
    for (let i = 1; i < trace.messages.length; i++) expect(trace.messages[i]!.at).toBeGreaterThanOrEqual(trace.messages[i - 1]!.at);
  }, 40_000);
});

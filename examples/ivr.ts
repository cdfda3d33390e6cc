/**
 * An IVR: callers hear a welcome prompt and choose with their keypad. 1 = sales, 2 = support,
 * 0 = hear the menu again, # = goodbye (the IVR hangs up). Prompts are WAV files; this example
 * writes small tone "prompts" into a temporary directory at start-up so it runs anywhere. Point
 * `promptsDir` at your own recordings (welcome.wav, sales.wav, support.wav, goodbye.wav: 16-bit
 * mono PCM) for real ones. DTMF arrives the same way whether the phone sends RFC 4733
 * telephone-events or SIP INFO.
 *
 *   npx tsx examples/ivr.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionManager, ToneSource, WavRecorderSink } from '../src/index.js';
import type { CallSession, DtmfEvent } from '../src/index.js';
import { isEntryPoint, runMain, untilSignal } from './run-main.js';

/** Options of {@link main}. */
export interface IvrOptions {
  /** SIP port, 0 for any. Default 5060. */
  readonly port?: number;
  /** Directory with welcome.wav, sales.wav, support.wav and goodbye.wav; default: generated ones. */
  readonly promptsDir?: string;
  /** Where to print what callers chose. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** The running IVR. */
export interface Ivr {
  readonly manager: SessionManager;
  /** Where the prompts are read from. */
  readonly promptsDir: string;
  /** Close the manager and remove generated prompts. */
  close(): Promise<void>;
}

/** The prompt files, and the tone each generated stand-in uses. */
const PROMPTS = { welcome: 440, sales: 660, support: 880, goodbye: 330 } as const;
type Prompt = keyof typeof PROMPTS;

/** Write `durationMs` of a tone as an 8 kHz WAV file (a stand-in for a recorded prompt). */
async function writeTonePrompt(path: string, frequency: number, durationMs: number): Promise<void> {
  const tone = new ToneSource({ frequency, durationMs });
  const wav = new WavRecorderSink(path);
  for (let frame = tone.read(160, 8000); frame !== null; frame = tone.read(160, 8000)) wav.write(frame, 8000);
  await wav.close();
}

/** One caller's way through the menu. */
function runMenu(session: CallSession, promptsDir: string, log: (line: string) => void): void {
  const play = (prompt: Prompt): Promise<void> =>
    session.play(join(promptsDir, `${prompt}.wav`)).catch(() => { /* the caller hung up */ });
  void play('welcome');
  session.on('dtmf', (event: DtmfEvent) => {
    switch (event.digit) {
      case '1':
        log(`${session.remote.uri} chose 1: sales`);
        void play('sales');
        break;
      case '2':
        log(`${session.remote.uri} chose 2: support`);
        void play('support');
        break;
      case '0':
        log(`${session.remote.uri} chose 0: menu again`);
        void play('welcome');
        break;
      case '#':
        log(`${session.remote.uri} chose #: goodbye`);
        void play('goodbye').then(() => (session.state === 'connected' ? session.hangup() : undefined)).catch(() => undefined);
        break;
      default:
        log(`${session.remote.uri} pressed ${event.digit}: not on the menu`);
    }
  });
}

/** Start the IVR; the caller closes it. */
export async function main(options: IvrOptions = {}): Promise<Ivr> {
  const log = options.log ?? console.log;
  let promptsDir = options.promptsDir;
  let generated: string | undefined;
  if (promptsDir === undefined) {
    generated = promptsDir = await mkdtemp(join(tmpdir(), 'sipline-ivr-'));
    for (const [name, hz] of Object.entries(PROMPTS)) await writeTonePrompt(join(promptsDir, `${name}.wav`), hz, 600);
  }
  const dir = promptsDir;
  const manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: options.port ?? 5060 } });
  manager.setCallHandler({
    async onIncomingCall(call) {
      log(`call from ${call.caller.uri}`);
      runMenu(await call.answer(), dir, log);
    },
    onCallEnded: (session, reason) => log(`${session.remote.uri}: ${reason}`),
  });
  return {
    manager,
    promptsDir: dir,
    async close() {
      await manager.close();
      if (generated !== undefined) await rm(generated, { recursive: true, force: true });
    },
  };
}

if (isEntryPoint(import.meta.url)) {
  runMain(async () => {
    const ivr = await main();
    console.log(`IVR at ${ivr.manager.uri('ivr')}: press 1, 2, 0 or # (Ctrl-C to stop)`);
    await untilSignal();
    await ivr.close();
  });
}

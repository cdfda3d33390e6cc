// Codec speed: samples per second encoded and decoded for PCMU, PCMA and G.722
// (16-bit mono PCM in 20 ms frames through the allocation-free encodeInto /
// decodeInto paths). Run with `npm run bench codecs` (builds first).
import { createCodec } from '../dist/media/index.js';
import { writeDocSection } from './lib/doc-section.mjs';
import { recordSummary } from './lib/summary.mjs';

const report = [];
const say = (line = '') => { console.log(line); report.push(line); };

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);

function measure(fn, samplesPerCall) {
  for (let i = 0; i < 2000; i++) fn(); // warm-up
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < SECONDS * 1000) {
    for (let i = 0; i < 200; i++) fn();
    calls += 200;
    now = performance.now();
  }
  return (calls * samplesPerCall) / ((now - start) / 1000);
}

const rows = [];
for (const name of ['PCMU', 'PCMA', 'G722']) {
  const codec = createCodec(name);
  const n = codec.frameSamples(20);
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / codec.sampleRate) + (i % 7) * 50);
  const enc = codec.createEncoder();
  const dec = codec.createDecoder();
  const payload = new Uint8Array(codec.payloadBytes(n));
  const out = new Int16Array(n);
  enc.encodeInto(pcm, payload);
  const encRate = measure(() => enc.encodeInto(pcm, payload), n);
  const decRate = measure(() => dec.decodeInto(payload, out), n);
  rows.push({ name, rate: codec.sampleRate, encRate, decRate });
}

const fmt = (x) => (x / 1e6).toFixed(1);
say('| codec | PCM rate | encode (Msamples/s) | decode (Msamples/s) | encode x real time | decode x real time |');
say('|---|---|---|---|---|---|');
for (const r of rows) {
  say(
    `| ${r.name} | ${r.rate} Hz | ${fmt(r.encRate)} | ${fmt(r.decRate)} | ${Math.round(r.encRate / r.rate)} | ${Math.round(r.decRate / r.rate)} |`,
  );
}
say(`\nnode ${process.version}, ${SECONDS} s per measurement, 20 ms frames, one core.`);
recordSummary('codecs', rows.map((r) => ({
  figure: `${r.name} encode / decode, Msamples/s`, sipline: `${fmt(r.encRate)} / ${fmt(r.decRate)}`,
  peer: `real time: ${r.rate / 1e6} Msamples/s`, ratio: `${Math.round(r.encRate / r.rate)}x / ${Math.round(r.decRate / r.rate)}x real time`,
})));

if (!process.argv.includes('--no-doc')) {
  say('\ncommand: `npm run bench codecs`');
  writeDocSection('docs/performance.md', 'codecs', 'Codec speed', report.join('\n'));
}

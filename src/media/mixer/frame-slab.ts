/**
 * Output frames of the mixer, carved from large shared slabs (the idea of the RTP send-buffer
 * slab in `../rtp/packet-slab.ts`, for 16-bit PCM).
 *
 * Every frame handed to a reader is a fresh, never-reused, zero-filled region, so a reader may
 * keep it as long as it likes (the view keeps its slab alive). Compared with one `Int16Array`
 * per frame, this makes one off-heap allocation per ~100 frames instead of one per frame, which
 * keeps the garbage collector's pauses short when hundreds of participants read every 20 ms.
 *
 * @packageDocumentation
 */

const SLAB_SAMPLES = 32 * 1024; // 64 KiB
/** Larger frames get their own buffer. */
const MAX_SLICE = 4 * 1024;

let slab = new ArrayBuffer(SLAB_SAMPLES * 2);
let used = 0;

/** A zero-filled frame of `samples` 16-bit samples that nobody else will ever write to. @internal */
export function allocFrame(samples: number): Int16Array {
  if (samples > MAX_SLICE) return new Int16Array(samples);
  if (used + samples > SLAB_SAMPLES) {
    slab = new ArrayBuffer(SLAB_SAMPLES * 2);
    used = 0;
  }
  const view = new Int16Array(slab, used * 2, samples);
  used += (samples + 3) & ~3; // keep frames 8-octet aligned
  return view;
}

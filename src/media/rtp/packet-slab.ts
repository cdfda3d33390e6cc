/**
 * Send buffers for outgoing RTP packets (RFC 3550 §5.1), carved from large
 * shared slabs.
 *
 * Each packet gets a fresh, never-reused region, so a datagram that `dgram`
 * had to queue (socket buffer full) keeps its bytes until it leaves: the view
 * holds its slab alive, and a full slab is simply replaced. Compared with
 * `Buffer.allocUnsafe` per packet this skips Node's 8 KiB pool refills (one
 * `ArrayBuffer` per ~47 PCMU packets instead of one per ~380) and the
 * `Buffer` subclass construction.
 *
 * @module
 */

const SLAB_SIZE = 64 * 1024;
/** Larger requests get their own buffer: a slab is not worth pinning for them. */
const MAX_SLICE = 8 * 1024;

let slab = new ArrayBuffer(SLAB_SIZE);
let used = 0;

/**
 * A writable region of `size` octets that nobody else will ever write to
 * (its contents are unspecified until written).
 */
export function allocPacketBuffer(size: number): Uint8Array {
  if (size > MAX_SLICE) return new Uint8Array(size);
  if (used + size > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    used = 0;
  }
  const view = new Uint8Array(slab, used, size);
  // Keep regions 8-octet aligned.
  used += (size + 7) & ~7;
  return view;
}

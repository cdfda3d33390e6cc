import type { AudioCodec, CodecDescriptor, CodecName } from './codec.js';
import { CodecError } from './errors.js';
import { createG722Codec } from './g722-codec.js';
import { createPcmaCodec, createPcmuCodec } from './g711-codec.js';

const factories: Record<CodecName, () => AudioCodec> = {
  PCMU: createPcmuCodec,
  PCMA: createPcmaCodec,
  G722: createG722Codec,
};

/**
 * Every codec sipline implements, as SDP descriptors in our default order of
 * preference (RFC 3551 Table 4 static payload types; G.722 keeps an 8000 Hz
 * RTP clock per RFC 3551 §4.5.2).
 */
export const supportedCodecs: readonly CodecDescriptor[] = Object.freeze([
  Object.freeze({ encodingName: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 } as const),
  Object.freeze({ encodingName: 'PCMA', clockRate: 8000, channels: 1, payloadType: 8 } as const),
  Object.freeze({ encodingName: 'G722', clockRate: 8000, channels: 1, payloadType: 9 } as const),
]);

/** Whether `name` (case-insensitive, as SDP encoding names are; RFC 4566 §6) is a codec we implement. */
export function isSupportedCodec(name: string): boolean {
  return Object.hasOwn(factories, name.toUpperCase());
}

/**
 * A new, independent codec instance (own encoder and decoder state) for one RTP
 * stream pair. The name is matched case-insensitively (RFC 4566 §6).
 * @throws {@link CodecError} (`unknown-codec`) for a codec we do not implement
 */
export function createCodec(name: string): AudioCodec {
  const key = name.toUpperCase();
  if (!Object.hasOwn(factories, key)) {
    throw new CodecError('unknown-codec', `unsupported codec ${JSON.stringify(name)}`);
  }
  return factories[key as CodecName]();
}

/**
 * A new codec instance for a static RTP payload type (RFC 3551 Table 4): 0
 * PCMU, 8 PCMA, 9 G722. Dynamic types (96-127) are mapped by SDP, not here.
 * @throws {@link CodecError} (`unknown-codec`) for any other payload type
 */
export function codecByPayloadType(payloadType: number): AudioCodec {
  const d = supportedCodecs.find((c) => c.payloadType === payloadType);
  if (d === undefined) throw new CodecError('unknown-codec', `no codec for static payload type ${payloadType}`);
  return factories[d.encodingName]();
}

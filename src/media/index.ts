/**
 * The media engine (internal layer): RTP/RTCP (RFC 3550), codecs, jitter
 * buffer, RFC 4733 DTMF, audio sources and sinks, port allocation and call
 * quality. Other layers import from here only.
 *
 * @packageDocumentation
 */
// RTP side: packets, RTCP, statistics, jitter buffer, DTMF, ports, sessions.
export { RtpPacket, writeRtpPacket } from './rtp/rtp-packet.js';
export type { RtpPacketInit, RtpHeaderExtension } from './rtp/rtp-packet.js';
export { RtpParseError, RtcpParseError, PortRangeExhaustedError, RtpSocketError } from './rtp/rtp-errors.js';
export type { RtpParseFailure, RtcpParseFailure } from './rtp/rtp-errors.js';
export { PortAllocator } from './rtp/port-allocator.js';
export type { PortAllocatorOptions, PortPair } from './rtp/port-allocator.js';
export { RtcpPacketType } from './rtcp/rtcp-common.js';
export type { ReportBlock } from './rtcp/rtcp-common.js';
export { RtcpSenderReport, RtcpReceiverReport } from './rtcp/rtcp-reports.js';
export type { RtcpSenderReportInit, RtcpReceiverReportInit } from './rtcp/rtcp-reports.js';
export { RtcpSdes, SdesItemType, sdesItem } from './rtcp/rtcp-sdes.js';
export type { SdesItem, SdesChunk } from './rtcp/rtcp-sdes.js';
export { RtcpBye } from './rtcp/rtcp-bye.js';
export { RtcpApp, RtcpUnknown } from './rtcp/rtcp-app.js';
export { parseRtcpCompound, serializeRtcpCompound, looksLikeRtcp } from './rtcp/rtcp-compound.js';
export type { RtcpPacket, RtcpParseOptions } from './rtcp/rtcp-compound.js';
export { rtcpIntervalMs } from './rtcp/rtcp-interval.js';
export type { RtcpIntervalInput } from './rtcp/rtcp-interval.js';
export { ntpFromUnixMs, ntpMiddle32, ntpMiddle32FromUnixMs, rttFromReportMs, dlsrFromMs, NTP_UNIX_OFFSET_SECONDS } from './rtcp/ntp.js';
export type { NtpTimestamp } from './rtcp/ntp.js';
export { ReceiveStats, MIN_SEQUENTIAL, MAX_DROPOUT, MAX_MISORDER } from './stats/receive-stats.js';
export type { ReceiveStatsSnapshot, SequenceVerdict } from './stats/receive-stats.js';
export { estimateMos, mosFromR, rFactor, delayImpairment, effectiveEquipmentImpairment, CODEC_IMPAIRMENTS } from './stats/e-model.js';
export type { CodecImpairment, EModelInput } from './stats/e-model.js';
export { JitterBuffer, MAX_REPEAT_FRAMES } from './jitter/jitter-buffer.js';
export type { JitterBufferOptions, JitterFrame, JitterPushResult, JitterBufferStats, ConcealmentMode } from './jitter/jitter-buffer.js';
export { dtmfEventCode, dtmfDigitOf, parseTelephoneEvent, serializeTelephoneEvent, TelephoneEventParseError } from './dtmf/telephone-event.js';
export type { DtmfDigit, TelephoneEvent } from './dtmf/telephone-event.js';
export { planDtmfEvent } from './dtmf/dtmf-sender.js';
export type { DtmfEventOptions, DtmfPacketPlan } from './dtmf/dtmf-sender.js';
export { DtmfReceiver } from './dtmf/dtmf-receiver.js';
export type { DtmfDigitEvent } from './dtmf/dtmf-receiver.js';
export { RtpSession } from './session/rtp-session.js';
export type { SendDtmfOptions } from './session/dtmf-send-queue.js';
export type {
  RtpCodec, RtpRemote, RtpSessionOptions, RtpAudioInfo, SsrcChange, RtpAddress, RtpSessionEvents, RtpSessionStats,
} from './session/session-types.js';
// Codecs and audio: G.711, G.722, resampling, sources and sinks, pacing, tone analysis.
export { CodecError } from './codecs/errors.js';
export type { CodecErrorReason } from './codecs/errors.js';
export type { AudioCodec, AudioEncoder, AudioDecoder, CodecDescriptor, CodecName } from './codecs/codec.js';
export { createCodec, codecByPayloadType, supportedCodecs, isSupportedCodec } from './codecs/registry.js';
export { createPcmuCodec, createPcmaCodec } from './codecs/g711-codec.js';
export { createG722Codec } from './codecs/g722-codec.js';
export { G722Encoder, G722Decoder } from './codecs/g722.js';
export { alawEncodeSample, alawDecodeSample, ulawEncodeSample, ulawDecodeSample } from './codecs/g711.js';
export type { AudioSource, AudioSink } from './audio/source.js';
export { ToneSource, SilenceSource } from './audio/tone-source.js';
export type { ToneOptions } from './audio/tone-source.js';
export { WavFileSource } from './audio/wav-source.js';
export type { WavSourceOptions } from './audio/wav-source.js';
export { WavRecorderSink } from './audio/wav-sink.js';
export type { WavRecorderOptions } from './audio/wav-sink.js';
export { PcmStreamSource, PcmStreamSink } from './audio/pcm-stream.js';
export type { PcmStreamSourceOptions, PcmStreamSinkOptions } from './audio/pcm-stream.js';
export { readWav, encodeWav, WavFormatError } from './audio/wav.js';
export type { WavData } from './audio/wav.js';
export { HalfBandDownsampler, HalfBandUpsampler } from './audio/resample.js';
export type { Resampler } from './audio/resample.js';
export { SincResampler, createResampler } from './audio/sinc-resampler.js';
export { FramePacer } from './audio/pacer.js';
export type { FramePacerOptions } from './audio/pacer.js';
export { goertzelPower, dominantFrequency, signalPower, toneRatio } from './audio/goertzel.js';
// Conference mixing: mix-minus at the room clock, gain, mute, talker detection.
export { AudioMixer } from './mixer/audio-mixer.js';
export { levelDbov, SILENCE_DBOV } from './mixer/talker-detector.js';
export type {
  AudioMixerOptions, AudioMixerEvents, AudioMixerStats, MixerParticipant, MixerParticipantOptions, MixerParticipantStats,
} from './mixer/mixer-types.js';
// SRTP / SRTCP (RFC 3711) with the AES-CM / HMAC-SHA1 suites of RFC 4568.
export { SrtpContext } from './srtp/srtp-context.js';
export type { SrtpContextOptions } from './srtp/srtp-context.js';
export { SRTP_PROFILES, isSrtpProfileName } from './srtp/srtp-profile.js';
export type { SrtpProfile, SrtpProfileName } from './srtp/srtp-profile.js';
export { SRTP_LABELS, deriveSrtpKey, deriveSessionKeys } from './srtp/key-derivation.js';
export type { SrtpSessionKeys } from './srtp/key-derivation.js';
export { AesCmCipher, aesCmTransform, aesCmKeystream, srtpIv } from './srtp/aes-cm.js';
export { ReplayWindow } from './srtp/replay-window.js';
export { guessPacketIndex } from './srtp/rtp-index.js';
export type { IndexGuess } from './srtp/rtp-index.js';
export { SrtpAuthenticationError, SrtpReplayError, SrtpTooShortError, SrtpKeyExhaustedError } from './srtp/srtp-errors.js';
export { SrtpTransform } from './session/srtp-transform.js';
export type { SrtpKeys } from './session/srtp-transform.js';

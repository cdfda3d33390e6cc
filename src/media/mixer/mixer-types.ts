/**
 * Types of the conference audio mixer: options, events and the participant handle.
 *
 * @packageDocumentation
 */
import type { Clock } from '../../util/index.js';
import type { AudioSink, AudioSource } from '../audio/source.js';

/** Options of an {@link AudioMixer}. */
export interface AudioMixerOptions {
  /** The room clock, Hz: every input is resampled to it, every output from it. */
  readonly sampleRate: 8000 | 16000;
  /** Mixing interval, ms (default 20, RFC 3551 §4.2 packetisation time); 5..100. */
  readonly frameMs?: number;
  /** Drives the mixer's own tick (default `systemClock`). */
  readonly clock?: Clock;
  /** Energy, dBov (RFC 6464 §3 scale), above which a participant is "talking"; default -40. */
  readonly talkerThreshold?: number;
  /** A talker stops only once its level falls this far below the threshold, dB (default 6). */
  readonly talkerHysteresisDb?: number;
  /** Continuous time above the threshold before `talking` turns true, ms (default 40). */
  readonly talkerAttackMs?: number;
  /** Continuous time below threshold minus hysteresis before `talking` turns false, ms (default 400). */
  readonly talkerReleaseMs?: number;
  /**
   * Cushion against timer jitter on every input and output queue, ms (default 20, one frame):
   * a queue starts delivering once it holds one frame plus this much. 0 gives the lowest
   * latency when writer, mixer and reader run in lock-step (tests, `mixOnce`).
   */
  readonly bufferMs?: number;
  /** Bound of every input and output queue, ms (default 200); overflow drops the oldest audio. */
  readonly maxBufferMs?: number;
  /** A tick of the own clock that runs later than this counts as late, ms (default half a frame). */
  readonly lateThresholdMs?: number;
}

/** Events of an {@link AudioMixer}. */
export type AudioMixerEvents = {
  /** A participant started (true) or stopped (false) talking (energy detection with hysteresis). */
  talking: [participantId: string, talking: boolean];
  /** A tick of the own clock ran late (or was skipped: then `lateByMs` is how far behind it was). */
  'late-frame': [lateByMs: number];
};

/** Options of {@link AudioMixer.addParticipant}. */
export interface MixerParticipantOptions {
  /** Linear gain applied to the participant's voice in the others' mix, 0..16 (default 1). */
  readonly gain?: number;
  /** Start muted: contributes nothing, still hears the room (default false). */
  readonly muted?: boolean;
}

/** Counters of an {@link AudioMixer}. */
export interface AudioMixerStats {
  /** Mixing ticks performed (own clock and `mixOnce`). */
  readonly ticks: number;
  /** Ticks of the own clock later than the late threshold, plus ticks skipped by the pacer. */
  readonly lateTicks: number;
  /** Largest lateness of a tick of the own clock, ms. */
  readonly maxLateMs: number;
  /** Ticks the pacer skipped because the process fell more than 100 ms behind. */
  readonly skippedTicks: number;
}

/** Counters of one participant's queues. */
export interface MixerParticipantStats {
  /** Input samples (at the room rate) dropped because the input queue overflowed. */
  readonly inputDropped: number;
  /** Mixing ticks in which the input queue ran dry after it had started. */
  readonly inputUnderruns: number;
  /** Output samples (at the room rate) dropped because nobody read them in time. */
  readonly outputDropped: number;
  /** Reads of `source` that found the output queue short after it had started. */
  readonly outputUnderruns: number;
  /** Samples currently queued on input and on output (room rate). */
  readonly inputQueued: number;
  readonly outputQueued: number;
}

/**
 * One participant of a mixer: give `sink` to the session as a recording sink (its received
 * audio, any rate) and `source` to the session as what it plays (everyone but itself).
 */
export interface MixerParticipant {
  /** The id given to {@link AudioMixer.addParticipant}. */
  readonly id: string;
  /** Received audio in: frames of any size at any rate, resampled to the room clock. */
  readonly sink: AudioSink;
  /** The mix of everyone but this participant, read at whatever size and rate the reader asks. */
  readonly source: AudioSource;
  /** Linear gain of this participant's voice in the others' mix, 0..16; changes ramp over one frame. */
  gain: number;
  /** Muted: contributes nothing (fades out over one frame), still hears the room. */
  muted: boolean;
  /** Whether the talker detector currently sees this participant talking (also while muted). */
  readonly talking: boolean;
  /** Level of the last input frame, dBov (-127 for digital silence or no input). */
  readonly level: number;
  /** Queue counters. */
  readonly stats: MixerParticipantStats;
}

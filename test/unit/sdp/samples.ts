/**
 * Realistic SDP bodies for the SDP tests, written by hand after what the tools send on the wire.
 */

/** Joins lines with CRLF and a final CRLF, as SDP on the wire. */
export function sdp(...lines: string[]): string {
  return lines.join('\r\n') + '\r\n';
}

/** SIPp's built-in `uac` scenario body, with [local_ip] = 127.0.0.1 and [media_port] = 6000. */
export const SIPP_UAC_OFFER = sdp(
  'v=0',
  'o=user1 53655765 2353687637 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
);

/** A baresip offer: opus first (which we do not support), G.722, G.711, telephone-event, rtcp-mux. */
export const BARESIP_OFFER = sdp(
  'v=0',
  'o=- 1934412337 2093453282 IN IP4 192.168.1.23',
  's=-',
  'c=IN IP4 192.168.1.23',
  't=0 0',
  'm=audio 10226 RTP/AVP 111 9 0 8 101',
  'b=AS:117',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 stereo=1;sprop-stereo=1',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=rtcp-mux',
  'a=sendrecv',
  'a=label:1',
  'a=ssrc:1295429367 cname:0f4d7a09-4aa5-4ba9-a1b5-56b8de0c7c1e',
  'a=ptime:20',
);

/** A desk-phone style offer with audio, video and T.38 image streams. */
export const MULTI_STREAM_OFFER = sdp(
  'v=0',
  'o=phone 8000 8000 IN IP4 10.0.0.5',
  's=SIP Call',
  'c=IN IP4 10.0.0.5',
  't=0 0',
  'm=video 9078 RTP/AVP 99',
  'a=rtpmap:99 H264/90000',
  'a=fmtp:99 profile-level-id=42801F',
  'm=audio 11780 RTP/AVP 8 0 18 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:18 G729/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=sendrecv',
  'm=image 11782 udptl t38',
  'a=T38FaxVersion:0',
);

/**
 * The way from the public objects (`CallSession`, `SessionManager`) down to the engine objects
 * they wrap (`Session`, `SessionEngine`), for `sipline/advanced` (bridges, conferences, B2BUA).
 * The api classes register what they wrap here; nothing is kept alive by these maps.
 *
 * Exported from `src/api/index.ts` only, never from the package root.
 *
 * @module
 * @internal
 */
import type { Session, SessionEngine } from '../session/index.js';

/** Public object -> the port object it talks to (CallSession -> EngineCall, SessionManager -> EnginePort). */
const portOfPublic = new WeakMap<object, object>();
/** Port object -> engine object (EngineCall -> Session, EnginePort -> SessionEngine). */
const engineOfPort = new WeakMap<object, Session | SessionEngine>();

/** Record that `publicObject` (a CallSession or SessionManager) talks to `port`. @internal */
export function registerPort(publicObject: object, port: object): void {
  portOfPublic.set(publicObject, port);
}

/** Record that `port` (an EngineCall or EnginePort adapter) wraps `engine`. @internal */
export function registerEngineObject(port: object, engine: Session | SessionEngine): void {
  engineOfPort.set(port, engine);
}

/**
 * The engine `Session` behind a `CallSession`, or `undefined` when the session runs over
 * another engine (a test fake). @internal
 */
export function engineSessionOf(call: object): Session | undefined {
  const port = portOfPublic.get(call);
  const engine = port === undefined ? undefined : engineOfPort.get(port);
  return engine !== undefined && 'callId' in engine ? engine : undefined;
}

/**
 * The `SessionEngine` behind a `SessionManager`, or `undefined` when the manager runs over
 * another engine (a test fake). @internal
 */
export function engineOf(manager: object): SessionEngine | undefined {
  const port = portOfPublic.get(manager);
  const engine = port === undefined ? undefined : engineOfPort.get(port);
  return engine !== undefined && !('callId' in engine) ? engine : undefined;
}

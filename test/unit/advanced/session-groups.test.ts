import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, InvalidStateError } from '../../../src/util/index.js';
import { GroupMembershipError, SessionGroup, SessionGroups } from '../../../src/advanced/primitives/index.js';
import type { GroupState } from '../../../src/advanced/primitives/index.js';

interface Call { readonly id: string; readonly name: string }
const call = (id: string): Call => ({ id, name: `call ${id}` });

describe('SessionGroup', () => {
  it('keeps members with their roles in joining order and finds them by role', () => {
    let t = 100;
    const g = new SessionGroup<Call>({ id: 'conf', kind: 'conference', now: () => t++ });
    g.add(call('a'), 'moderator').add(call('b')).add(call('c'), 'participant');
    expect(g.sessionIds).toEqual(['a', 'b', 'c']);
    expect(g.roleOf('a')).toBe('moderator');
    expect(g.roleOf('b')).toBe('participant');
    expect(g.roleOf('zz')).toBeUndefined();
    expect(g.membersWithRole('participant').map((m) => m.name)).toEqual(['call b', 'call c']);
    expect(g.get('c')?.joinedAt).toBe(102);
    expect(g.find((e) => e.member.name === 'call b')?.role).toBe('participant');
  });

  it('accepts custom roles and changes a role with a role-changed event', () => {
    const g = new SessionGroup({ id: 't', kind: 'transfer' });
    const changes: string[] = [];
    g.on('role-changed', (e, prev) => changes.push(`${e.member.id}:${prev}->${e.role}`));
    g.add({ id: 'x' }, 'transferor').add({ id: 'y' }, 'supervisor');
    g.setRole('x', 'transferee');
    g.setRole('x', 'transferee');
    expect(changes).toEqual(['x:transferor->transferee']);
    expect(g.roleOf('y')).toBe('supervisor');
    expect(() => g.setRole('nobody', 'target')).toThrow(GroupMembershipError);
  });

  it('refuses a session that is already a member and a member past maxMembers', () => {
    const g = new SessionGroup({ id: 'b', kind: 'bridge', maxMembers: 2 });
    g.add({ id: 'a' }, 'a-leg');
    let err: unknown;
    try { g.add({ id: 'a' }, 'b-leg'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(GroupMembershipError);
    expect(err).toMatchObject({ code: 'ERR_GROUP_MEMBERSHIP', groupId: 'b', sessionId: 'a' });
    g.add({ id: 'b' }, 'b-leg');
    expect(() => g.add({ id: 'c' })).toThrow(/full/);
    expect(g.size).toBe(2);
  });

  it('moves through forming, active, ending and ended, and refuses moves the table forbids', () => {
    const g = new SessionGroup({ id: 'g', kind: 'consultation' });
    const states: Array<[GroupState, GroupState]> = [];
    g.on('state', (to, from) => states.push([from, to]));
    expect(g.state).toBe('forming');
    g.activate();
    expect(() => g.activate()).toThrow(InvalidStateError);
    g.add({ id: 'a' }).add({ id: 'b' });
    g.beginEnd();
    expect(() => g.add({ id: 'c' })).toThrow(InvalidStateError);
    expect(g.remove('a')?.member.id).toBe('a');
    const removed: string[] = [];
    g.on('member-removed', (e) => removed.push(e.member.id));
    g.end();
    g.end();
    expect(removed).toEqual(['b']);
    expect(states).toEqual([['forming', 'active'], ['active', 'ending'], ['ending', 'ended']]);
    expect(() => g.transition('active')).toThrow(InvalidStateError);
  });

  it('rejects an unknown kind, an empty id and a member without id', () => {
    expect(() => new SessionGroup({ id: 'g', kind: 'party' as never })).toThrow(InvalidArgumentError);
    expect(() => new SessionGroup({ id: '', kind: 'custom' })).toThrow(InvalidArgumentError);
    expect(() => new SessionGroup({ id: 'g', kind: 'custom' }).add({} as never)).toThrow(InvalidArgumentError);
  });

  it('keeps its state when a listener throws', () => {
    const onListenerError = vi.fn();
    const g = new SessionGroup({ id: 'g', kind: 'custom', onListenerError });
    g.on('member-added', () => { throw new Error('x'); });
    g.add({ id: 'a' });
    expect(g.has('a')).toBe(true);
    expect(onListenerError).toHaveBeenCalledTimes(1);
  });
});

describe('SessionGroups', () => {
  it('finds the groups of a session, optionally by role', () => {
    const groups = new SessionGroups<Call>();
    const conf = groups.create({ kind: 'conference', id: 'room-1' });
    const xfer = groups.create({ kind: 'transfer' });
    conf.add(call('a'), 'moderator').add(call('b'));
    xfer.add(call('a'), 'transferor').add(call('c'), 'target');
    expect(groups.groupsOf('a').map((g) => g.id)).toEqual(['room-1', xfer.id]);
    expect(groups.groupsOf('a', 'transferor')).toEqual([xfer]);
    expect(groups.groupsOf('zz')).toEqual([]);
    expect(groups.all('conference')).toEqual([conf]);
    expect(groups.find((g) => g.has('c'))).toBe(xfer);
    expect(groups.get('room-1')).toBe(conf);
    expect(xfer.id).toMatch(/^group-/);
  });

  it('removes an ending session from every group and forgets ended groups', () => {
    const groups = new SessionGroups();
    const events: string[] = [];
    groups.on('member-removed', (g, e) => events.push(`${g.id}-${e.member.id}`));
    groups.on('group-ended', (g) => events.push(`ended ${g.id}`));
    const g1 = groups.create({ kind: 'bridge', id: 'g1' }).add({ id: 'a' }).add({ id: 'b' });
    groups.create({ kind: 'custom', id: 'g2' }).add({ id: 'a' });
    expect(groups.removeSession('a').map((g) => g.id)).toEqual(['g1', 'g2']);
    expect(groups.groupsOf('a')).toEqual([]);
    expect(groups.end('g1')).toBe(true);
    expect(groups.end('g1')).toBe(false);
    expect(g1.state).toBe('ended');
    expect(groups.groupsOf('b')).toEqual([]);
    expect(groups.size).toBe(1);
    expect(events).toEqual(['g1-a', 'g2-a', 'g1-b', 'ended g1']);
  });

  it('refuses a duplicate group id', () => {
    const groups = new SessionGroups();
    groups.create({ kind: 'custom', id: 'x' });
    expect(() => groups.create({ kind: 'custom', id: 'x' })).toThrow(InvalidArgumentError);
  });
});

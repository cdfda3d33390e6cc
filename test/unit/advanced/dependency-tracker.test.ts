import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DependencyCycleError, DependencyTracker } from '../../../src/advanced/primitives/index.js';
import type { CascadeCause } from '../../../src/advanced/primitives/index.js';

describe('DependencyTracker cycle detection', () => {
  it('refuses a session depending on itself, with the one-step cycle path', () => {
    const deps = new DependencyTracker();
    let err: unknown;
    try { deps.relate('a', 'a'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DependencyCycleError);
    expect((err as DependencyCycleError).code).toBe('ERR_DEPENDENCY_CYCLE');
    expect((err as DependencyCycleError).cycle).toEqual(['a', 'a']);
    expect(deps.has('a')).toBe(false);
  });

  it('refuses a two-session cycle and leaves the existing relation in place', () => {
    const deps = new DependencyTracker();
    deps.relate('a', 'b');
    expect(() => deps.relate('b', 'a')).toThrow(DependencyCycleError);
    expect(deps.relations()).toEqual([{ parent: 'a', child: 'b', kind: 'parent', cascade: true }]);
  });

  it('reports the full path of a long cycle across relation kinds', () => {
    const deps = new DependencyTracker();
    const n = 2000;
    for (let i = 0; i < n; i++) deps.relate(`s${i}`, `s${i + 1}`, { kind: i % 2 === 0 ? 'consults' : 'depends-on' });
    let err: unknown;
    try { deps.relate(`s${n}`, 's0'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DependencyCycleError);
    const cycle = (err as DependencyCycleError).cycle;
    expect(cycle).toHaveLength(n + 2);
    expect(cycle[0]).toBe(`s${n}`);
    expect(cycle[1]).toBe('s0');
    expect(cycle.at(-1)).toBe(`s${n}`);
    expect(deps.canRelate(`s${n}`, 's0')).toBe(false);
    expect(deps.canRelate('s0', `s${n}`)).toBe(true);
  });

  it('never accepts a relation that closes a cycle, whatever the order of additions (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })), { maxLength: 40 }), (edges) => {
        const deps = new DependencyTracker();
        for (const [p, c] of edges) {
          const accepted = deps.canRelate(`n${p}`, `n${c}`);
          try {
            deps.relate(`n${p}`, `n${c}`);
            expect(accepted).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(DependencyCycleError);
            expect(accepted).toBe(false);
            const cycle = (e as DependencyCycleError).cycle;
            expect(cycle[0]).toBe(cycle.at(-1));
          }
          // The graph stays acyclic: a topological order covers every related session.
          const order = deps.topologicalOrder();
          const position = new Map(order.map((id, i) => [id, i]));
          for (const r of deps.relations()) expect(position.get(r.parent)!).toBeLessThan(position.get(r.child)!);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('DependencyTracker cascading ends', () => {
  it('ends dependents transitively along cascading relations, parents first, via onCascade and the cascade event', () => {
    const onCascade = vi.fn<(id: string, cause: CascadeCause) => void>();
    const deps = new DependencyTracker({ onCascade });
    const events: string[] = [];
    deps.on('cascade', (id) => events.push(id));
    deps.relate('a', 'b');
    deps.relate('b', 'c', { kind: 'depends-on' });
    deps.relate('a', 'c');
    expect(deps.end('a', 'remote-hangup')).toEqual(['b', 'c']);
    expect(onCascade.mock.calls.map((c) => c[0])).toEqual(['b', 'c']);
    expect(events).toEqual(['b', 'c']);
    const cause = onCascade.mock.calls[0]![1];
    expect(cause).toMatchObject({ root: 'a', parent: 'a', reason: 'remote-hangup', relation: { child: 'b', kind: 'parent' } });
    expect(deps.relations()).toEqual([]);
  });

  it('only detaches dependents whose relation does not cascade (consults by default)', () => {
    const onCascade = vi.fn();
    const deps = new DependencyTracker({ onCascade });
    deps.relate('call', 'consult', { kind: 'consults' });
    deps.relate('consult', 'sub');
    expect(deps.end('call')).toEqual([]);
    expect(onCascade).not.toHaveBeenCalled();
    expect(deps.relation('consult', 'sub')).toBeDefined();
    expect(deps.has('call')).toBe(false);
  });

  it('lets cascade be configured per relation kind and overridden per relation', () => {
    const deps = new DependencyTracker({ cascade: { consults: true, parent: false }, defaultCascade: true });
    expect(deps.cascadesByDefault('consults')).toBe(true);
    expect(deps.cascadesByDefault('parent')).toBe(false);
    expect(deps.cascadesByDefault('my-custom')).toBe(true);
    deps.relate('a', 'b', { kind: 'consults' });
    deps.relate('a', 'c');
    deps.relate('a', 'd', { kind: 'consults', cascade: false });
    deps.relate('a', 'e', { kind: 'my-custom' });
    expect(deps.cascadeOf('a')).toEqual(['b', 'e']);
    expect(deps.end('a')).toEqual(['b', 'e']);
  });

  it('keeps ending the cascade when onCascade throws, and reports the error', () => {
    const errors: unknown[] = [];
    const deps = new DependencyTracker({
      onCascade: (id) => { if (id === 'b') throw new Error('boom'); },
      onListenerError: (e) => errors.push(e),
    });
    const seen: string[] = [];
    deps.on('cascade', (id) => seen.push(id));
    deps.relate('a', 'b');
    deps.relate('a', 'c');
    expect(deps.end('a')).toEqual(['b', 'c']);
    expect(seen).toEqual(['b', 'c']);
    expect(errors).toHaveLength(1);
  });

  it('tolerates an onCascade that ends the same session again (re-entrant end)', () => {
    const deps: DependencyTracker = new DependencyTracker({ onCascade: (id) => { expect(deps.end(id)).toEqual([]); } });
    deps.relate('a', 'b');
    deps.relate('b', 'c');
    expect(deps.end('a')).toEqual(['b', 'c']);
  });

  it('ends nothing for an unknown session and nothing upstream of the ended one', () => {
    const deps = new DependencyTracker();
    deps.relate('a', 'b');
    expect(deps.end('zzz')).toEqual([]);
    expect(deps.end('b')).toEqual([]);
    expect(deps.has('a')).toBe(false);
  });

  it('reports each cascaded session exactly once and only descendants (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.boolean()), { maxLength: 30 }),
        fc.integer({ min: 0, max: 9 }),
        (edges, root) => {
          const deps = new DependencyTracker();
          for (const [p, c, cascade] of edges) if (deps.canRelate(`n${p}`, `n${c}`)) deps.relate(`n${p}`, `n${c}`, { cascade });
          const expected = new Set(deps.descendants(`n${root}`, { cascadingOnly: true }));
          const ended = deps.end(`n${root}`);
          expect(new Set(ended)).toEqual(expected);
          expect(ended).toHaveLength(expected.size);
          for (const id of ended) expect(deps.has(id)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('DependencyTracker queries', () => {
  it('answers parents, children, ancestors, descendants and relations of a session', () => {
    const deps = new DependencyTracker();
    deps.relate('a', 'b');
    deps.dependsOn('c', 'b');
    expect(deps.children('a')).toEqual(['b']);
    expect(deps.parents('c')).toEqual(['b']);
    expect(deps.relation('b', 'c')?.kind).toBe('depends-on');
    expect(deps.ancestors('c')).toEqual(['b', 'a']);
    expect(deps.descendants('a')).toEqual(['b', 'c']);
    expect(deps.relations('b')).toHaveLength(2);
    expect(deps.topologicalOrder()).toEqual(['a', 'b', 'c']);
  });

  it('replaces the kind of a pair related again and removes relations without cascading', () => {
    const deps = new DependencyTracker();
    const removed: string[] = [];
    deps.on('unrelated', (r) => removed.push(`${r.parent}>${r.child}`));
    deps.relate('a', 'b');
    deps.relate('a', 'b', { kind: 'consults' });
    expect(deps.relations()).toEqual([{ parent: 'a', child: 'b', kind: 'consults', cascade: false }]);
    expect(deps.unrelate('a', 'b')).toBe(true);
    expect(deps.unrelate('a', 'b')).toBe(false);
    deps.relate('x', 'y');
    expect(deps.remove('y')).toBe(true);
    expect(removed).toEqual(['a>b', 'x>y']);
  });

  it('rejects empty ids', () => {
    const deps = new DependencyTracker();
    expect(() => deps.relate('', 'b')).toThrow(/parent/);
    expect(() => deps.relate('a', '')).toThrow(/child/);
  });
});

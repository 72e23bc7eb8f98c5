/** A server's session moves only along the transitions of its state machine; `renewing` shows as `ready`. */
import type { Client } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { SessionState } from '../../src/servers/session/SessionState.ts';

const client = (name: string) => ({ name }) as unknown as Client;

describe('SessionState', () => {
  it('connects, renews, loses and restarts, handing out the client only while ready', () => {
    const state = new SessionState();
    expect({ phase: state.phase, state: state.state, client: state.client }).toEqual({ phase: 'connecting', state: 'connecting', client: undefined });
    const first = client('first');
    state.ready(first);
    expect(state.client).toBe(first);
    state.renewing();
    expect({ phase: state.phase, state: state.state, client: state.client }).toEqual({ phase: 'renewing', state: 'ready', client: undefined });
    const second = client('second');
    state.ready(second);
    expect(state.client).toBe(second);
    state.away('restarting', 'crashed (exit code 1)');
    expect({ state: state.state, failure: state.failure, client: state.client }).toEqual({ state: 'restarting', failure: 'crashed (exit code 1)', client: undefined });
    state.explain('crashed (exit code 1) (stderr: EACCES)');
    expect(state.failure).toBe('crashed (exit code 1) (stderr: EACCES)');
    const third = client('third');
    state.ready(third);
    expect({ state: state.state, failure: state.failure }).toEqual({ state: 'ready', failure: undefined });
    expect(state.close()).toBe(third);
    expect(state.state).toBe('closed');
  });

  it('refuses moves the machine does not have', () => {
    const failed = new SessionState();
    failed.away('failed', 'spawn ENOENT');
    expect(() => failed.ready(client('late'))).toThrow('a session cannot go from failed to ready');
    const closed = new SessionState();
    closed.close();
    expect(() => closed.away('restarting', 'x')).toThrow('a session cannot go from closed to restarting');
    expect(() => new SessionState().renewing()).toThrow('a session cannot go from connecting to renewing');
  });

  it('wakes whoever waits on every change, and explains only a server that is away', async () => {
    const state = new SessionState();
    const changed = state.changed;
    state.explain('ignored while connecting');
    expect(state.failure).toBeUndefined();
    state.notify();
    await changed;
    const next = state.changed;
    expect(next).not.toBe(changed);
    state.ready(client('c'));
    await next;
  });
});

import { describe, expect, it } from 'vitest';
import { EngineError } from '../../electron/core/errors';
import { chooseRoute, type Route, type RouteSituation } from '../../electron/core/inference/router';

interface Case {
  cuda: boolean;
  configured: boolean;
  serves: boolean;
  reachable: boolean;
  cpu: boolean;
  queue: boolean;
}

function situation(policy: RouteSituation['policy'], c: Case): RouteSituation {
  return {
    policy,
    cudaAvailable: c.cuda,
    modal: { configured: c.configured, serves: c.serves, reachable: c.reachable },
    cpuCapable: c.cpu,
    fallbackToQueue: c.queue,
  };
}

/** Every combination of the six yes/no facts (64). */
const ALL: Case[] = Array.from({ length: 64 }, (_, i) => ({
  cuda: (i & 1) !== 0,
  configured: (i & 2) !== 0,
  serves: (i & 4) !== 0,
  reachable: (i & 8) !== 0,
  cpu: (i & 16) !== 0,
  queue: (i & 32) !== 0,
}));

const label = (c: Case) =>
  Object.entries(c)
    .map(([k, v]) => `${v ? '+' : '-'}${k}`)
    .join(' ');

function errorOf(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected chooseRoute to throw');
}

describe('chooseRoute, policy "auto"', () => {
  const T = true;
  const F = false;
  // cuda, configured, serves, reachable, cpuCapable, fallbackToQueue → route (worked from the policy's description).
  const table: [boolean, boolean, boolean, boolean, boolean, boolean, Route][] = [
    // A local GPU wins over everything, even a reachable Modal.
    [T, T, T, T, T, T, 'local-cuda'],
    [T, T, T, T, F, F, 'local-cuda'],
    [T, F, F, F, F, F, 'local-cuda'],
    [T, T, T, F, F, T, 'local-cuda'],
    // No GPU, Modal set up, serving the model and reachable: Modal, even for a CPU-capable model.
    [F, T, T, T, T, T, 'modal'],
    [F, T, T, T, F, T, 'modal'],
    [F, T, T, T, F, F, 'modal'],
    [F, T, T, T, T, F, 'modal'],
    // Modal unreachable: the CPU for a model that is practical there...
    [F, T, T, F, T, T, 'local-cpu'],
    [F, T, T, F, T, F, 'local-cpu'],
    // ...otherwise the queue, when queuing is allowed...
    [F, T, T, F, F, T, 'queue'],
    // ...or the CPU, slowly, when it is not.
    [F, T, T, F, F, F, 'local-cpu'],
    // Modal not configured: never Modal, never the queue (nothing would ever drain it).
    [F, F, T, T, T, T, 'local-cpu'],
    [F, F, T, T, F, T, 'local-cpu'],
    [F, F, F, F, F, T, 'local-cpu'],
    // Configured but the app has no class for this model: the same.
    [F, T, F, T, T, T, 'local-cpu'],
    [F, T, F, T, F, T, 'local-cpu'],
    [F, T, F, F, F, T, 'local-cpu'],
  ];
  it.each(table)(
    'cuda=%s configured=%s serves=%s reachable=%s cpuCapable=%s fallback=%s → %s',
    (cuda, configured, serves, reachable, cpu, queue, route) => {
      const decision = chooseRoute(situation('auto', { cuda, configured, serves, reachable, cpu, queue }));
      expect(decision.route).toBe(route);
      expect(decision.reason.length).toBeGreaterThan(0);
    },
  );

  it('never throws, and follows the rules for all 64 situations', () => {
    for (const c of ALL) {
      const { route } = chooseRoute(situation('auto', c));
      const modalUsable = c.configured && c.serves;
      if (c.cuda) expect(route, label(c)).toBe('local-cuda');
      else expect(route, label(c)).not.toBe('local-cuda');
      if (route === 'modal') expect(modalUsable && c.reachable, label(c)).toBe(true);
      if (route === 'queue') expect(modalUsable && !c.reachable && c.queue && !c.cpu, label(c)).toBe(true);
      if (!c.cuda && modalUsable && c.reachable) expect(route, label(c)).toBe('modal');
    }
  });
});

describe('chooseRoute, policy "local"', () => {
  it('uses the GPU when there is one and the CPU otherwise, whatever Modal and the model say (64 situations)', () => {
    for (const c of ALL) {
      const decision = chooseRoute(situation('local', c));
      expect(decision.route, label(c)).toBe(c.cuda ? 'local-cuda' : 'local-cpu');
      expect(decision.reason, label(c)).toContain('local');
    }
  });
});

describe('chooseRoute, policy "modal"', () => {
  it('goes to Modal when it is set up and reachable, even with a local GPU', () => {
    for (const c of ALL.filter((x) => x.configured && x.serves && x.reachable)) {
      expect(chooseRoute(situation('modal', c)).route, label(c)).toBe('modal');
    }
  });

  it('queues while Modal is unreachable when queuing is allowed', () => {
    for (const c of ALL.filter((x) => x.configured && x.serves && !x.reachable && x.queue)) {
      expect(chooseRoute(situation('modal', c)).route, label(c)).toBe('queue');
    }
  });

  it('refuses with REMOTE_UNAVAILABLE when Modal is unreachable and queuing is off', () => {
    for (const c of ALL.filter((x) => x.configured && x.serves && !x.reachable && !x.queue)) {
      const error = errorOf(() => chooseRoute(situation('modal', c)));
      expect(error.code, label(c)).toBe('REMOTE_UNAVAILABLE');
      expect(error.message).toContain('MODAL_FALLBACK_TO_QUEUE');
    }
  });

  it('refuses with REMOTE_NOT_CONFIGURED, naming what to set, when Modal is not set up', () => {
    for (const c of ALL.filter((x) => !x.configured)) {
      const error = errorOf(() => chooseRoute(situation('modal', c)));
      expect(error.code, label(c)).toBe('REMOTE_NOT_CONFIGURED');
      expect(error.message).toContain('MODAL_ENABLED=true');
      expect(error.message).toContain('token');
    }
  });

  it('refuses with REMOTE_NOT_CONFIGURED, naming the class list, when the app has no class for the model', () => {
    for (const c of ALL.filter((x) => x.configured && !x.serves)) {
      const error = errorOf(() => chooseRoute(situation('modal', c)));
      expect(error.code, label(c)).toBe('REMOTE_NOT_CONFIGURED');
      expect(error.message).toContain('models/modal-classes.json');
    }
  });
});

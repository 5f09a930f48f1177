import { EngineError } from '../errors';

/**
 * Where one model request runs. In `auto`: a local CUDA GPU first (fast and free), then Modal when it is
 * configured and reachable, then the local CPU for models fast enough there, and otherwise the durable queue,
 * which sends the work to Modal when the connection returns. `local` never leaves the machine; `modal` always
 * uses Modal (queued while it cannot be reached).
 */

export const INFERENCE_POLICIES = ['auto', 'local', 'modal'] as const;
export type InferencePolicy = (typeof INFERENCE_POLICIES)[number];

export type Route = 'local-cuda' | 'local-cpu' | 'modal' | 'queue';

export interface RouteSituation {
  policy: InferencePolicy;
  cudaAvailable: boolean;
  modal: {
    /** Enabled, with a token. */
    configured: boolean;
    /** The Modal app has a class for this model. */
    serves: boolean;
    /** Online and not paused by the circuit breaker. */
    reachable: boolean;
  };
  /** The manifest says the model is practical on a CPU. */
  cpuCapable: boolean;
  fallbackToQueue: boolean;
}

export interface RouteDecision {
  route: Route;
  /** One sentence for the status screen and `tigerid doctor`. */
  reason: string;
}

export function chooseRoute(s: RouteSituation): RouteDecision {
  const modalUsable = s.modal.configured && s.modal.serves;
  if (s.policy === 'local') {
    return s.cudaAvailable
      ? { route: 'local-cuda', reason: 'policy "local": runs on this computer\'s GPU' }
      : { route: 'local-cpu', reason: 'policy "local": runs on this computer\'s CPU' };
  }
  if (s.policy === 'modal') {
    if (!modalUsable) {
      throw new EngineError(
        'REMOTE_NOT_CONFIGURED',
        s.modal.configured
          ? 'The inference policy is "modal" but the Modal app has no class for this model (models/modal-classes.json)'
          : 'The inference policy is "modal" but Modal is not set up: enable it (MODAL_ENABLED=true) and set a token',
      );
    }
    if (s.modal.reachable) return { route: 'modal', reason: 'policy "modal"' };
    if (s.fallbackToQueue)
      return { route: 'queue', reason: 'policy "modal"; Modal unreachable, queued until it is' };
    throw new EngineError(
      'REMOTE_UNAVAILABLE',
      'Modal cannot be reached and MODAL_FALLBACK_TO_QUEUE is false: the request was not run',
    );
  }
  if (s.cudaAvailable) return { route: 'local-cuda', reason: 'a local CUDA GPU is available' };
  if (modalUsable && s.modal.reachable) return { route: 'modal', reason: 'no local GPU; Modal is reachable' };
  if (s.cpuCapable) {
    return {
      route: 'local-cpu',
      reason: modalUsable
        ? 'no local GPU and Modal unreachable; the model is fast enough on CPU'
        : 'no local GPU',
    };
  }
  if (modalUsable && s.fallbackToQueue) {
    return { route: 'queue', reason: 'no local GPU, too slow on CPU, Modal unreachable: queued until it is' };
  }
  return {
    route: 'local-cpu',
    reason: modalUsable
      ? 'no local GPU and Modal unreachable (queueing is off): runs on CPU, slowly'
      : 'no local GPU and no Modal: runs on CPU, slowly',
  };
}

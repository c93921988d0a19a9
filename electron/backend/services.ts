/**
 * The services a full backend runs (capture, simulator, replay, files). One
 * list, used by `mapiscope serve` and the Electron main process alike.
 */
import type { BackendService } from './backend.js';

export interface ServiceOptions {
  dataDir?: string;
}

export function defaultServices(_opts: ServiceOptions = {}): BackendService[] {
  return [];
}

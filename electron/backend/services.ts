/**
 * The services a full backend runs (capture, simulator, replay, files). One
 * list, used by `mapiscope serve` and the Electron main process alike.
 */
import type { BackendService } from './backend.js';
import { CaptureService } from './capture-service.js';
import { sessionService } from './session-service.js';
import { FileService } from './file-service.js';
import { FilterService } from './filter-service.js';
import { ReplayService } from './replay/service.js';
import { SimulatorService } from './simulator/service.js';

export interface ServiceOptions {
  dataDir?: string;
}

export function defaultServices(_opts: ServiceOptions = {}): BackendService[] {
  const simulator = new SimulatorService();
  const sessions = sessionService();
  return [
    new FileService(),
    simulator,
    new ReplayService(simulator),
    new CaptureService(_opts.dataDir ? { dataDir: _opts.dataDir } : {}),
    sessions,
    new FilterService(sessions),
  ];
}

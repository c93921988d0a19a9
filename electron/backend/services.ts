/**
 * The services a full backend runs (capture, simulator, replay, files). One
 * list, used by `mapiscope serve` and the Electron main process alike.
 */
import type { BackendService } from './backend.js';
import { CaptureService } from './capture-service.js';
import { DesktopService } from './desktop-service.js';
import { sessionService } from './session-service.js';
import { LogsService } from './logs/logs-service.js';
import { FileService } from './file-service.js';
import { FilterService } from './filter-service.js';
import { ProbeService } from './probe/service.js';
import { ReplayService } from './replay/service.js';
import { SimulatorService } from './simulator/service.js';

export interface ServiceOptions {
  dataDir?: string;
  /** How the restore journal names this process ("MapiScope app", "mapiscope serve"). */
  command?: string;
  /** Folder of the system-proxy restore journal (default `dataDir`). */
  journalDir?: string;
}

export function defaultServices(_opts: ServiceOptions = {}): BackendService[] {
  const simulator = new SimulatorService();
  const capture = new CaptureService(_opts.dataDir ? { dataDir: _opts.dataDir } : {});
  const sessions = sessionService();
  return [
    new FileService(),
    simulator,
    new ReplayService(simulator),
    capture,
    // After capture: disposed first, so routing is undone while the proxy still runs.
    new DesktopService(capture, {
      ...(_opts.command ? { command: _opts.command } : {}),
      ...(_opts.journalDir ? { journalDir: _opts.journalDir } : {}),
    }),
    sessions,
    new LogsService(sessions),
    new FilterService(sessions),
    new ProbeService(),
  ];
}

/**
 * The one place where subcommands are registered, in the order `--help` lists
 * them. Adding a command: write commands/<name>.ts exporting a `Command`, add
 * one import and one entry here.
 */
import type { Command } from '../command.js';
import { analyzeCommand } from './analyze.js';
import { caCommand } from './ca.js';
import { captureCommand } from './capture.js';
import { decodeCommand } from './decode.js';
import { exportCommand } from './export.js';
import { fieldsCommand } from './fields.js';
import { filterCommand } from './filter.js';
import { importCommand } from './import.js';
import { logsCommand } from './logs.js';
import { reportCommand } from './report.js';
import { probeCommand } from './probe.js';
import { replayCommand } from './replay.js';
import { serveCommand } from './serve.js';
import { simulateCommand } from './simulate.js';
import { systemProxyCommand } from './system-proxy.js';

export const commands: readonly Command[] = [
  serveCommand,
  captureCommand,
  caCommand,
  systemProxyCommand,
  decodeCommand,
  filterCommand,
  fieldsCommand,
  analyzeCommand,
  importCommand,
  exportCommand,
  simulateCommand,
  replayCommand,
  probeCommand,
  logsCommand,
  reportCommand,
];

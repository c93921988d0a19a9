/**
 * Servers that number X-ResponseCode their own way: the simulator answers with
 * gromox's numbers and texts (7 for a stale sequence, 2 for an expired
 * context; gromox exch/mh resp_code), and the replayer still runs the
 * conforming reaction, reports the code literally and says how it knew.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureResponder } from '../../../electron/backend/simulator/capture-responder.js';
import { ExchangeSimulator, type SimulatorOptions } from '../../../electron/backend/simulator/index.js';
import { loadBodyFolder } from '../../../electron/backend/store/body-folder.js';
import { parsePlan } from '../../../shared/replay/plan.js';
import { replayCapture } from '../../../electron/backend/replay/replayer.js';
import type { Exchange } from '../../../shared/capture/exchange.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/gromox-ruler');
const cap1 = (): Exchange[] => loadBodyFolder(join(FIX, 'cap1')).exchanges;

let sims: ExchangeSimulator[] = [];
afterEach(async () => {
  for (const s of sims) await s.stop();
  sims = [];
});
async function gromoxSim(exchanges: Exchange[], opts: Partial<SimulatorOptions> = {}): Promise<ExchangeSimulator> {
  const s = new ExchangeSimulator({
    responder: new CaptureResponder(exchanges),
    cookies: 'gromox',
    responseCodes: 'gromox',
    expiryMs: 5_000,
    ...opts,
  });
  await s.start();
  sims.push(s);
  return s;
}

describe('per-server X-ResponseCode profiles', () => {
  it('stale sequence: gromox answers 7; the replayer resends with the current cookie as for 15', async () => {
    const ex = cap1();
    const sim = await gromoxSim(ex);
    const r = await replayCapture(ex, { target: sim.url, session: 1, plan: parsePlan('stale@3') });
    expect(sim.status().byResponseCode['7']).toBe(1);
    expect(r.switches[0]).toMatchObject({
      step: 'stale@3',
      verdict: 'sequence-rejected-recovered',
      responseCodes: [7, 0],
    });
    expect(r.switches[0]!.detail).toBe(
      "rejected with 7 (InvalidSequence; 7 is this server's number for the spec's 15, recognised from the server's explanation and the gromox profile; reacted as to 15); accepted again with the current cookie, context kept",
    );
    expect(r.summary.failed).toBe(0);
  });

  it('expired context: gromox answers 2; the replayer reconnects and redoes the logon as for 10', async () => {
    const ex = cap1();
    const sim = await gromoxSim(ex, { expiryMs: 200 });
    const r = await replayCapture(ex, { target: sim.url, session: 1, plan: parsePlan('hibernate@3:450ms') });
    expect(r.switches[0]).toMatchObject({ verdict: 'context-reestablished', responseCodes: [2, 0, 0, 0], redone: 1 });
    expect(r.switches[0]!.detail).toMatch(
      /^context had ended \(2 \(ContextNotFound; 2 is this server's number for the spec's 10/,
    );
    const reconnect = r.exchanges.find((e) => e.role === 'reconnect')!;
    expect(reconnect.note).toMatch(
      /^reconnect after X-ResponseCode 2 \(context not found; 2 is this server's number for the spec's 10/,
    );
    expect(sim.sessions.events.map((e) => e.kind)).toEqual(['created', 'expired', 'created', 'disconnect']);
  });

  it('the same numbers from a server that follows the spec mean what the spec says (no reaction to 7 as 15)', async () => {
    const ex = cap1();
    const s = new ExchangeSimulator({ responder: new CaptureResponder(ex), cookies: 'gromox', expiryMs: 5_000 });
    await s.start();
    sims.push(s);
    const r = await replayCapture(ex, { target: s.url, session: 1, plan: parsePlan('stale@3') });
    expect(r.switches[0]).toMatchObject({ responseCodes: [15, 0] });
    expect(r.switches[0]!.detail).toBe(
      'rejected with 15 (InvalidSequence); accepted again with the current cookie, context kept',
    );
  });
});

/**
 * The FastTransfer stream a ROP opens comes from its definition (`opensStream`):
 * the ROPs that have one and the kinds they give are compared with the spec table.
 */
import { describe, expect, it } from 'vitest';
import { kindOfOpener, openerText, opensTransfer } from '../../../../shared/protocol/rops/fasttransfer-kind.js';
import { ropsById } from '../../../../shared/protocol/rops/registry.js';
import { SPEC_STREAM_OPENERS } from './spec-table.js';

describe('FastTransfer stream openers', () => {
  it('exactly the spec table’s ROPs open a stream', () => {
    const openers = [...ropsById.values()].filter((d) => d.opensStream).map((d) => d.id);
    expect(openers.sort((a, b) => a - b)).toEqual(
      [...new Set(SPEC_STREAM_OPENERS.map(([id]) => id))].sort((a, b) => a - b),
    );
    for (const d of ropsById.values()) expect(opensTransfer(d.id)).toBe(d.opensStream !== undefined);
    // RopSynchronizationOpenCollector makes an upload context that takes no stream buffers.
    expect(opensTransfer(0x7e)).toBe(false);
  });

  for (const [id, fields, on, kind] of SPEC_STREAM_OPENERS)
    it(`${ropsById.get(id)!.name} ${JSON.stringify(fields)} on a ${on} opens ${kind}`, () => {
      expect(kindOfOpener({ RopId: id, ...fields }, on)).toBe(kind);
    });

  it('names the opening ROP and what decided the kind', () => {
    expect(openerText({ RopId: 0x4d }, 'message')).toBe('RopFastTransferSourceCopyTo on a message');
    expect(openerText({ RopId: 0x4b }, 'folder')).toBe('RopFastTransferSourceCopyMessages');
    expect(openerText({ RopId: 0x70, SynchronizationType: 2 }, 'folder')).toBe(
      'RopSynchronizationConfigure (SynchronizationType 2)',
    );
    expect(openerText({ RopId: 0x53, SourceOperation: 3 }, 'folder')).toBe(
      'RopFastTransferDestinationConfigure on a folder',
    );
    expect(openerText({ RopId: 0x02 }, 'folder')).toBe('the opening ROP');
  });

  it('an unknown object kind leaves the content kind open; unknown values give none', () => {
    expect(kindOfOpener({ RopId: 0x4d }, undefined)).toBe('folderContent, messageContent or attachmentContent');
    expect(kindOfOpener({ RopId: 0x70, SynchronizationType: 3 }, 'folder')).toBeUndefined();
    expect(kindOfOpener({ RopId: 0x53, SourceOperation: 9 }, 'folder')).toBeUndefined();
    expect(kindOfOpener({ RopId: 0x15 }, 'table')).toBeUndefined();
  });
});

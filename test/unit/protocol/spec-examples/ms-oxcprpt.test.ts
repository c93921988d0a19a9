/**
 * [MS-OXCPRPT] section 4 protocol examples, decoded from the transcribed bytes
 * (test/fixtures/spec-examples/ms-oxcprpt).
 */
import { describe, expect, it } from 'vitest';
import { decodeRopExample, span } from './spec-helpers.js';

const dir = 'ms-oxcprpt';

describe('[MS-OXCPRPT] 4.1 Getting property IDs', () => {
  it('4.1.2 RopGetPropertyIdsFromNames response: two ids, 0x863E and 0x863F, two bytes each from 0x08', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.1.2-RopGetPropertyIdsFromNames-response.hex`);
    expect(value).toEqual({
      RopId: 0x56,
      InputHandleIndex: 0,
      ReturnValue: 0,
      PropertyIdCount: 2,
      PropertyIds: [0x863e, 0x863f],
    });
    expect(span(tree, 'PropertyIdCount')).toEqual([6, 2]);
    // Labelled "0009:" in the spec (see the fixture's note); the 12 bytes put the ids at 0x08.
    expect(span(tree, 'PropertyIds')).toEqual([8, 4]);
  });
});

describe('[MS-OXCPRPT] 4.2 Setting properties', () => {
  it('4.2.1 RopSetProperties request: PidTagSubjectPrefix "" and PidTagNormalizedSubject "Hello World"', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.2.1-RopSetProperties-request.hex`);
    expect(value).toEqual({
      RopId: 0x0a,
      LogonId: 0,
      InputHandleIndex: 0,
      PropertyValueSize: 0x24, // 36 bytes: the count and the values
      PropertyValueCount: 2,
      PropertyValues: [
        { PropertyTag: 0x003d001f, PropertyValue: '' },
        { PropertyTag: 0x0e1d001f, PropertyValue: 'Hello World' },
      ],
    });
    expect(span(tree, 'PropertyValueSize')).toEqual([3, 2]);
    const values = tree.children!.find((c) => c.name === 'PropertyValues')!;
    expect(values.children!.map((c) => [c.offset, c.length])).toEqual([
      [0x07, 6],
      [0x0d, 28],
    ]);
  });
  it('4.2.2 RopSetProperties response: PropertyProblemCount 0 at 0006', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.2.2-RopSetProperties-response.hex`);
    expect(value).toMatchObject({ RopId: 0x0a, InputHandleIndex: 0, ReturnValue: 0, PropertyProblemCount: 0 });
    expect(span(tree, 'PropertyProblemCount')).toEqual([6, 2]);
  });
});

describe('[MS-OXCPRPT] 4.3 Getting property values', () => {
  it('4.3.1 RopGetPropertiesSpecific request: default size limit, Unicode, three tags from 0009', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.3.1-RopGetPropertiesSpecific-request.hex`);
    expect(value).toEqual({
      RopId: 0x07,
      LogonId: 0,
      InputHandleIndex: 0,
      PropertySizeLimit: 0,
      WantUnicode: 1,
      PropertyTagCount: 3,
      // TestProp1 (PtypBoolean), TestProp2 (PtypInteger32), PidTagChangeKey (PtypBinary)
      PropertyTags: [0x863e000b, 0x863f0003, 0x65e20102],
    });
    expect(span(tree, 'PropertySizeLimit')).toEqual([3, 2]);
    expect(span(tree, 'WantUnicode')).toEqual([5, 2]);
    expect(span(tree, 'PropertyTags')).toEqual([9, 12]);
  });
});

describe('[MS-OXCPRPT] 4.4 Working with streams', () => {
  it('4.4.1.1 RopOpenStream request: LogonId 1, PidTagExtendedRuleMessageCondition, ReadWrite', () => {
    const { value, tree } = decodeRopExample(`${dir}/4.4.1.1-RopOpenStream-request.hex`);
    expect(value).toEqual({
      RopId: 0x2b,
      LogonId: 1,
      InputHandleIndex: 0,
      OutputHandleIndex: 1,
      PropertyTag: 0x0e9a0102,
      OpenModeFlags: 0x01,
    });
    expect(span(tree, 'PropertyTag')).toEqual([4, 4]);
  });
});

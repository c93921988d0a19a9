import { describe, expect, it } from 'vitest';
import { meaningOf, profileFor } from '../../../shared/protocol/mapihttp/server-profiles.js';

describe('X-ResponseCode meaning per server', () => {
  it('gromox is recognised by its X-ServerApplication; its numbers map to the spec', () => {
    expect(profileFor('Exchange/15.00.0847.4040')?.id).toBe('gromox');
    expect(profileFor('Exchange/15.02.2562.045')).toBeUndefined();
    expect(meaningOf(7, 'Exchange/15.00.0847.4040')).toEqual({
      code: 7,
      specCode: 15,
      via: 'profile',
      profile: 'gromox',
    });
    expect(meaningOf(2, 'Exchange/15.00.0847.4040')).toEqual({
      code: 2,
      specCode: 10,
      via: 'profile',
      profile: 'gromox',
    });
    expect(meaningOf(6, 'Exchange/15.00.0847.4040').specCode).toBe(13);
  });
  it('a spec server keeps the spec numbering', () => {
    expect(meaningOf(7, 'Exchange/15.02.2562.045')).toEqual({ code: 7, specCode: 7, via: 'spec' });
    expect(meaningOf(15)).toEqual({ code: 15, specCode: 15, via: 'spec' });
  });
  it('the explanation body names the condition whatever the header says', () => {
    const body =
      '<p>The request has violated the sequencing requirement of one request at a time per Session Context.</p>';
    expect(meaningOf(7, 'SomethingElse/1.0', body)).toEqual({ code: 7, specCode: 15, via: 'body' });
    expect(meaningOf(2, undefined, '<p>The request has an invalid session context cookie.</p>').specCode).toBe(10);
    expect(meaningOf(15, undefined, 'violated the sequencing requirement')).toEqual({
      code: 15,
      specCode: 15,
      via: 'spec',
    });
  });
});

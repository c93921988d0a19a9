/**
 * Decoded exchanges, cached by id (bounded LRU) so that selecting an exchange
 * again is a lookup. Decoding itself never throws (the decoders return error
 * nodes); a bug that escapes still yields a DTO with `error`.
 */
import type { ExchangeDecodeDto } from '../../shared/api/contract.js';
import { exchangeDecodeToDto } from '../../shared/api/dto.js';
import type { Exchange } from '../../shared/capture/exchange.js';
import type { DecodeContext } from '../../shared/codec/codec.js';
import { type ExchangeDecode, decodeExchange } from '../../shared/protocol/decode-exchange.js';
import { headBuffersOf } from '../../shared/capture/head-text.js';
import type { Workspace } from './workspace.js';

export class DecodeCache {
  private cache = new Map<number, ExchangeDecodeDto>();
  /** Supplies session context for an exchange (set by the session model). */
  contextFor?: (ex: Exchange) => DecodeContext | undefined;
  /** Second pass over a fresh decode (the session model adds generated nodes, e.g. handle origins). */
  annotate?: (ex: Exchange, d: ExchangeDecode) => void;

  constructor(
    private readonly workspace: Workspace,
    private readonly max = 256,
  ) {}

  get(id: number): ExchangeDecodeDto | undefined {
    const hit = this.cache.get(id);
    if (hit) {
      this.cache.delete(id);
      this.cache.set(id, hit);
      return hit;
    }
    const ex = this.workspace.get(id);
    if (!ex) return undefined;
    let dto: ExchangeDecodeDto;
    try {
      const d = decodeExchange(ex, this.contextFor?.(ex));
      this.annotate?.(ex, d);
      dto = exchangeDecodeToDto(id, d, headBuffersOf(ex));
    } catch (e) {
      dto = {
        id,
        endpoint: 'other',
        http: { request: { name: 'Request', offset: 0, length: 0 } },
        headBuffers: {},
        cookies: [],
        setCookies: [],
        metaTags: [],
        error: `decoder failure: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    this.cache.set(id, dto);
    if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    return dto;
  }

  clear(): void {
    this.cache.clear();
  }
}

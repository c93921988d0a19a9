/**
 * Decoded exchanges, cached by id (bounded LRU) so that selecting an exchange
 * again is a lookup. The exchange may have to be read from the opened file
 * first, hence async. Decoding itself never throws (the decoders return error
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
  private pending = new Map<number, Promise<ExchangeDecodeDto | undefined>>();
  private gen = 0;
  /** Supplies session context for an exchange (set by the session model; may first feed it). */
  contextFor?: (ex: Exchange) => DecodeContext | undefined | Promise<DecodeContext | undefined>;
  /** Second pass over a fresh decode (the session model adds generated nodes, e.g. handle origins). */
  annotate?: (ex: Exchange, d: ExchangeDecode) => void;
  /** Names of the named properties a decode mentions, as the session mapped them (set by the session model). */
  namedProperties?: (ex: Exchange, d: ExchangeDecode) => Record<number, string> | undefined;

  constructor(
    private readonly workspace: Workspace,
    private readonly max = 256,
  ) {}

  async get(id: number): Promise<ExchangeDecodeDto | undefined> {
    const hit = this.cache.get(id);
    if (hit) {
      this.cache.delete(id);
      this.cache.set(id, hit);
      return hit;
    }
    // Two selections of the same exchange share one read and one decode.
    const running = this.pending.get(id);
    if (running) return running;
    const p: Promise<ExchangeDecodeDto | undefined> = this.load(id).finally(() => {
      if (this.pending.get(id) === p) this.pending.delete(id);
    });
    this.pending.set(id, p);
    return p;
  }

  private async load(id: number): Promise<ExchangeDecodeDto | undefined> {
    const gen = this.gen;
    const ex = await this.workspace.get(id);
    if (!ex) return undefined;
    let dto: ExchangeDecodeDto;
    try {
      const ctx = await this.contextFor?.(ex);
      const d = decodeExchange(ex, ctx);
      this.annotate?.(ex, d);
      dto = exchangeDecodeToDto(id, d, headBuffersOf(ex));
      const named = this.namedProperties?.(ex, d);
      if (named && Object.keys(named).length) dto.namedProperties = named;
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
    // Content replaced meanwhile: answer, but do not cache a decode of what is no longer shown.
    if (gen !== this.gen) return dto;
    this.cache.set(id, dto);
    if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    return dto;
  }

  clear(): void {
    this.gen++;
    this.cache.clear();
    this.pending.clear();
  }
}

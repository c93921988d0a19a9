/**
 * The RPC registry shared by both transports (HTTP and the Electron bridge).
 * Services register handlers by method name; every method is typed once in
 * shared/api/contract.ts (`ApiMethods`), so handler and callers are checked
 * against the same types.
 */
import type { ApiErrorDto, ApiMethod, ApiParams, ApiResult } from '../../shared/api/contract.js';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorDto['code'],
    message: string,
  ) {
    super(message);
  }
}

type Handler = (params: unknown) => Promise<unknown> | unknown;

export class RpcRegistry {
  private handlers = new Map<string, Handler>();

  /** Registers the handler of a method of the contract. */
  method<M extends ApiMethod>(name: M, h: (p: ApiParams<M>) => Promise<ApiResult<M>> | ApiResult<M>): void {
    this.register(name, h as Handler);
  }

  private register(name: string, h: Handler): void {
    if (this.handlers.has(name)) throw new Error(`RPC method ${name} registered twice`);
    this.handlers.set(name, h);
  }

  names(): string[] {
    return [...this.handlers.keys()].sort();
  }

  async invoke(name: string, params: unknown): Promise<unknown> {
    const h = this.handlers.get(name);
    if (!h) throw new ApiError('not-found', `no such method: ${name}`);
    return await h(params ?? {});
  }
}

/** A text parameter of an API call (untrusted JSON): a string, or a number as text; anything else is empty. */
export function textParam(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

export function toErrorDto(e: unknown): ApiErrorDto {
  if (e instanceof ApiError) return { code: e.code, message: e.message };
  return { code: 'failed', message: e instanceof Error ? e.message : String(e) };
}

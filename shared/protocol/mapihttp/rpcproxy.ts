/**
 * Outlook Anywhere (RPC over HTTP, [MS-RPCH]): RPC_IN_DATA / RPC_OUT_DATA
 * requests to /rpc/rpcproxy.dll. Recognised and labelled as the older
 * transport; its payload (RPC PDUs) is not decoded here.
 */
import type { Codec } from '../../codec/index.js';

export function isRpcOverHttp(method: string, path: string): boolean {
  const m = method.toUpperCase();
  return m === 'RPC_IN_DATA' || m === 'RPC_OUT_DATA' || /\/rpc\/rpcproxy\.dll/i.test(path);
}

/** The whole body as one labelled raw node (not an error: decoding it is out of scope). */
export const rpcOverHttpBody: Codec<Uint8Array> = {
  kind: 'RpcOverHttpPayload',
  minSize: 0,
  decode(r, name) {
    const at = r.pos;
    const v = r.take(r.remaining);
    return {
      value: v,
      node: {
        name,
        offset: at,
        length: v.length,
        ...(v.length <= 64 ? { value: v } : {}),
        display: `Outlook Anywhere (RPC over HTTP) data, ${v.length} bytes, not decoded`,
      },
    };
  },
  encode(w, v) {
    w.bytes(v);
  },
};

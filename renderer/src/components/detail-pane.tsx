/** The selected exchange: decoded tree beside the hex view, headers, timing. */
import { ServerRowsPanel } from './server-rows-panel';
import { useEffect, useMemo } from 'react';
import { resolveNamePath } from '../tree/evidence-path';
import { base64DecodeOrThrow as base64Decode } from '../../../shared/codec/bytes';
import {
  type DecodedPartDto,
  type ExchangeDecodeDto,
  type ExchangeDto,
  type TreeNodeDto,
} from '../../../shared/api/contract';
import { useExchangesStore } from '../stores/exchanges-store';
import { useUiStore } from '../stores/ui-store';
import { HexPane } from './hex-pane';
import { type NodeFilter, TreePane } from './tree-pane';
import { useFilterStore } from '../stores/filter-store';
import { FieldNames, filterTextFor, headFields, treeFields } from '../../../shared/filter/tree';
import { HEAD_ROOT_PATH, matchedNodes } from '../../../shared/filter/highlight';
import { formatDuration, RESPONSE_CODES } from './format';

/** Path the tree view gives the root of the shown side's HTTP head (the body's tree starts at "0"). */
export const HEAD_ROOT = HEAD_ROOT_PATH;

/** Deepest node (path) whose range in `buffer` contains `offset`. */
export function nodeAt(
  root: TreeNodeDto,
  rootBuffer: string,
  buffer: string,
  offset: number,
  rootPath = '0',
): { path: string; node: TreeNodeDto } | undefined {
  let best: { path: string; node: TreeNodeDto } | undefined;
  const rec = (n: TreeNodeDto, path: string, buf: string) => {
    const b = n.buffer ?? buf;
    if (b === buffer && offset >= n.offset && offset < n.offset + n.length) best = { path, node: n };
    n.children?.forEach((c, i) => rec(c, `${path}.${i}`, b));
  };
  rec(root, rootPath, root.buffer ?? rootBuffer);
  return best;
}

/**
 * The trees' filter actions: the field each node stands for, and the nodes the applied filter
 * matched — in the body's tree (paths from "0") and the HTTP head's (paths from HEAD_ROOT).
 * Named properties go by the names the session mapped them to, as the backend's filter does.
 */
function useTreeFilters(
  part: DecodedPartDto,
  head: TreeNodeDto | undefined,
  named: Readonly<Record<number, string>> | undefined,
) {
  const fields = useFilterStore((s) => s.fields);
  const tests = useFilterStore((s) => s.tests);
  const names = useMemo(() => (fields ? new FieldNames(fields) : undefined), [fields]);
  const ctx = useMemo(
    () => ({ json: true, ...(named ? { namedPropertyName: (id: number) => named[id] } : {}) }),
    [named],
  );
  const byPath = useMemo(() => {
    const m = new Map<string, NodeFilter>();
    if (head)
      for (const f of headFields(head, part.direction, HEAD_ROOT))
        if (!m.has(f.path)) m.set(f.path, { text: filterTextFor(f, names?.byName.get(f.field)) });
    if (!names) return m;
    for (const f of treeFields(part.tree, part.requestType, part.direction, names, ctx))
      if (!m.has(f.path)) m.set(f.path, { text: filterTextFor(f, names.byName.get(f.field)), field: f.field });
    // A ROP node stands for "this ROP is in the exchange".
    const walk = (n: TreeNodeDto, path: string) => {
      if (names.ropNames.has(n.name) && n.children?.[0]?.name === 'RopId' && !m.has(path))
        m.set(path, { text: `rop == ${n.name}`, field: 'rop' });
      n.children?.forEach((c, i) => walk(c, `${path}.${i}`));
    };
    walk(part.tree, '0');
    return m;
  }, [part, head, names, ctx]);
  const matched = useMemo(() => {
    if (!names || !tests.length) return undefined;
    const hits = matchedNodes(tests, { [part.direction]: part.tree }, part.requestType, names, ctx, {
      [part.direction]: head,
      rootPath: HEAD_ROOT,
    });
    return new Set(hits.map((h) => h.path));
  }, [part, head, names, tests, ctx]);
  return { byPath, matched };
}

function PartView({
  part,
  head,
  headBuffer,
  named,
}: {
  part: DecodedPartDto;
  /** The side's HTTP head tree and its bytes (base64). */
  head?: TreeNodeDto | undefined;
  headBuffer?: { id: string; base64: string } | undefined;
  named?: Readonly<Record<number, string>> | undefined;
}) {
  const bytes = useUiStore((s) => s.bytes);
  const selectNode = useUiStore((s) => s.selectNode);
  const addColumn = useUiStore((s) => s.addFieldColumn);
  const setText = useFilterStore((s) => s.setText);
  const setDraft = useFilterStore((s) => s.setDraft);
  const { byPath, matched } = useTreeFilters(part, head, named);
  const buffers = useMemo(() => {
    const m = new Map<string, Uint8Array>();
    for (const [k, v] of Object.entries(part.buffers)) m.set(k, base64Decode(v));
    if (headBuffer) m.set(headBuffer.id, base64Decode(headBuffer.base64));
    return m;
  }, [part, headBuffer]);
  const treeActions = {
    filterFor: (path: string) => byPath.get(path),
    ...(matched ? { matched } : {}),
    onApply: setText,
    onPrepare: setDraft,
    onAddColumn: addColumn,
  };
  const shown = bytes && buffers.has(bytes.buffer) ? bytes.buffer : 'body';
  const data = buffers.get(shown) ?? new Uint8Array();
  return (
    <div className="part">
      <div className="part-head">
        <span className="badge">{part.requestType}</span>
        <span className="badge">{part.direction}</span>
        {part.errors.length > 0 ? (
          <span className="badge err">
            {part.errors.length} error{part.errors.length > 1 ? 's' : ''}
          </span>
        ) : (
          <span className="badge ok">decoded</span>
        )}
        {part.unparsedBytes > 0 && <span className="badge warn">{part.unparsedBytes} bytes not decoded</span>}
        {part.rops.length > 0 && <span className="rops-line">{part.rops.map((r) => r.name).join(' · ')}</span>}
      </div>
      <div className="split">
        <div className="split-left">
          {head && (
            <div className="head-tree">
              <TreePane
                key={`${part.direction}-head`}
                root={head}
                rootBuffer={headBuffer?.id ?? 'body'}
                rootPath={HEAD_ROOT}
                label="HTTP head"
                tools={false}
                {...treeActions}
              />
            </div>
          )}
          <TreePane
            key={part.direction + part.tree.length}
            root={part.tree}
            rootBuffer="body"
            {...(named ? { names: named } : {})}
            {...treeActions}
          />
        </div>
        <div className="split-right">
          <div className="buffer-tabs">
            {[...buffers.keys()].map((b) => (
              <button
                key={b}
                className={b === shown ? 'active' : ''}
                onClick={() => selectNode(undefined, { buffer: b, offset: 0, length: 0 })}
              >
                {b} <small>({buffers.get(b)!.length} B)</small>
              </button>
            ))}
          </div>
          <HexPane
            bytes={data}
            bufferId={shown}
            selection={bytes}
            onSelectByte={(off) => {
              const hit =
                head && shown === headBuffer?.id
                  ? nodeAt(head, shown, shown, off, HEAD_ROOT)
                  : nodeAt(part.tree, 'body', shown, off);
              if (hit) selectNode(hit.path, { buffer: shown, offset: hit.node.offset, length: hit.node.length });
            }}
          />
        </div>
      </div>
    </div>
  );
}

function HeadersView({ raw, decoded }: { raw: ExchangeDto; decoded: ExchangeDecodeDto }) {
  return (
    <div className="headers-view">
      {(decoded.cookies.length > 0 || decoded.setCookies.length > 0) && (
        <>
          <h3>Cookies</h3>
          <table data-testid="cookies">
            <tbody>
              {decoded.cookies.map((c, i) => (
                <tr key={`c${i}`}>
                  <th>→ {c.name}</th>
                  <td>{c.value}</td>
                </tr>
              ))}
              {decoded.setCookies.map((c, i) => (
                <tr key={`s${i}`}>
                  <th>← Set {c.name}</th>
                  <td>
                    {c.value}
                    {c.attributes ? <span className="hint"> ; {c.attributes}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>
        {raw.request.method} {raw.request.url} HTTP/{raw.request.httpVersion}
      </h3>
      <table>
        <tbody>
          {raw.request.headers.map((h, i) => (
            <tr key={i}>
              <th>{h.name}</th>
              <td>{h.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {raw.response && (
        <>
          <h3>
            HTTP/{raw.response.httpVersion} {raw.response.statusCode} {raw.response.statusMessage}
          </h3>
          <table>
            <tbody>
              {raw.response.headers.map((h, i) => (
                <tr key={i}>
                  <th>{h.name}</th>
                  <td>{h.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {raw.aborted && (
        <p className="aborted">
          Aborted ({raw.aborted.kind}): {raw.aborted.message}
        </p>
      )}
    </div>
  );
}

/** Arrival time of the chunk that holds body offset `off`. */
export function arrivalOf(
  chunks: readonly { time: number; offset: number; length: number }[],
  off: number,
): number | undefined {
  for (const c of chunks) if (off >= c.offset && off < c.offset + Math.max(1, c.length)) return c.time;
  return undefined;
}

function TimingView({ raw, decoded }: { raw: ExchangeDto; decoded: ExchangeDecodeDto }) {
  const t0 = raw.timings.requestStart;
  const rel = (t?: number) => (t === undefined ? '—' : `+${(t - t0).toFixed(1)} ms`);
  const chunks = raw.response?.chunks ?? [];
  const tags = decoded.metaTags.map((m) => ({ ...m, time: arrivalOf(chunks, m.offset) }));
  return (
    <div className="timing-view">
      <table>
        <tbody>
          <tr>
            <th>Request start</th>
            <td>{new Date(t0).toISOString()}</td>
          </tr>
          <tr>
            <th>Request sent</th>
            <td>{rel(raw.timings.requestEnd)}</td>
          </tr>
          <tr>
            <th>Response headers</th>
            <td>{rel(raw.timings.responseHeaders)}</td>
          </tr>
          <tr>
            <th>Response end</th>
            <td>{rel(raw.timings.responseEnd)}</td>
          </tr>
          <tr>
            <th>Duration</th>
            <td>{formatDuration(raw.timings.responseEnd !== undefined ? raw.timings.responseEnd - t0 : undefined)}</td>
          </tr>
        </tbody>
      </table>
      {tags.length > 0 && (
        <>
          <h3>Meta-tags (PROCESSING / PENDING / DONE)</h3>
          <table className="chunks" data-testid="meta-tags">
            <thead>
              <tr>
                <th>Tag</th>
                <th>Body offset</th>
                <th>Arrived</th>
                <th>Gap</th>
              </tr>
            </thead>
            <tbody>
              {tags.map((m, i) => {
                const prev = i > 0 ? tags[i - 1]!.time : undefined;
                return (
                  <tr key={i}>
                    <td className="mono">{m.tag}</td>
                    <td>{m.offset}</td>
                    <td>{rel(m.time)}</td>
                    <td>{m.time !== undefined && prev !== undefined ? `${(m.time - prev).toFixed(1)} ms` : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {chunks.length === 0 && (
            <p className="hint">No per-chunk arrival times in this capture (imported files may not carry them).</p>
          )}
        </>
      )}
      {raw.response && raw.response.chunks.length > 0 && (
        <>
          <h3>Response chunks ({raw.response.chunks.length})</h3>
          <table className="chunks">
            <thead>
              <tr>
                <th>#</th>
                <th>Arrived</th>
                <th>Offset</th>
                <th>Bytes</th>
                <th>Starts with</th>
              </tr>
            </thead>
            <tbody>
              {raw.response.chunks.map((c, i) => {
                const body = base64Decode(raw.response!.body);
                const head = String.fromCharCode(
                  ...body.subarray(c.offset, Math.min(c.offset + 12, c.offset + c.length)),
                ).replace(/[^\x20-\x7e]/g, '·');
                return (
                  <tr key={i}>
                    <td>{i + 1}</td>
                    <td>{rel(c.time)}</td>
                    <td>{c.offset}</td>
                    <td>{c.length}</td>
                    <td className="mono">{head}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

export function DetailPane() {
  const selectedId = useExchangesStore((s) => s.selectedId);
  const decoded = useExchangesStore((s) => (s.selectedId !== undefined ? s.decoded.get(s.selectedId) : undefined));
  const raw = useExchangesStore((s) => (s.selectedId !== undefined ? s.raw.get(s.selectedId) : undefined));
  const loadError = useExchangesStore((s) => s.loadError);
  const tab = useUiStore((s) => s.detailTab);
  const setTab = useUiStore((s) => s.setDetailTab);
  const side = useUiStore((s) => s.side);
  const setSide = useUiStore((s) => s.setSide);

  // Evidence from the Diagnoses panel: select the named field, on whichever side holds it.
  const pending = useUiStore((s) => s.pendingEvidence);
  useEffect(() => {
    if (!pending || !decoded || pending.exchangeId !== decoded.id) return;
    const ui = useUiStore.getState();
    ui.setPendingEvidence(undefined);
    for (const part of [decoded.request, decoded.response]) {
      const hit = part ? resolveNamePath(part.tree, pending.path) : undefined;
      if (!part || !hit) continue;
      ui.setDetailTab('decoded');
      ui.setSide(part.direction);
      ui.selectNode(hit.path, { buffer: hit.buffer, offset: hit.node.offset, length: hit.node.length });
      return;
    }
  }, [pending, decoded]);

  if (selectedId === undefined)
    return (
      <section className="pane detail empty">
        <p>Select an exchange to see its decoded layers.</p>
        <p className="hint">↑/↓ move through the list · the tree and hex views follow each other.</p>
      </section>
    );
  if (loadError)
    return (
      <section className="pane detail empty">
        <p className="aborted">
          Could not load exchange {selectedId}: {loadError}
        </p>
      </section>
    );
  if (!decoded || !raw)
    return (
      <section className="pane detail empty">
        <p>Decoding exchange {selectedId}…</p>
      </section>
    );

  const part = side === 'request' ? decoded.request : decoded.response;
  return (
    <section className="pane detail" aria-label="Exchange detail">
      <div className="detail-bar">
        <strong>#{decoded.id}</strong>
        <span className="badge">{decoded.endpoint}</span>
        {decoded.requestType && <span className="badge">{decoded.requestType}</span>}
        {decoded.responseCode !== undefined && (
          <span className={`badge ${decoded.responseCode === 0 ? 'ok' : 'err'}`}>
            X-ResponseCode {decoded.responseCode} {RESPONSE_CODES[decoded.responseCode] ?? ''}
          </span>
        )}
        <div className="spacer" />
        <div className="tabs" role="tablist">
          {(['decoded', 'headers', 'timing', 'server'] as const).map((t) => (
            <button
              key={t}
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? 'active' : ''}
              onClick={() => setTab(t)}
            >
              {t[0]!.toUpperCase() + t.slice(1)}
            </button>
          ))}
        </div>
      </div>
      {tab === 'decoded' && (
        <>
          <div className="side-switch">
            <button className={side === 'request' ? 'active' : ''} onClick={() => setSide('request')}>
              Request
            </button>
            <button className={side === 'response' ? 'active' : ''} onClick={() => setSide('response')}>
              Response
            </button>
          </div>
          {decoded.error && <p className="aborted">{decoded.error}</p>}
          {part ? (
            <PartView
              part={part}
              head={decoded.http[side]}
              headBuffer={
                decoded.headBuffers[`${side}-head`] !== undefined
                  ? { id: `${side}-head`, base64: decoded.headBuffers[`${side}-head`]! }
                  : undefined
              }
              named={decoded.namedProperties}
            />
          ) : (
            <p className="hint pad">No {side} body to decode.</p>
          )}
        </>
      )}
      {tab === 'headers' && <HeadersView raw={raw} decoded={decoded} />}
      {tab === 'timing' && <TimingView raw={raw} decoded={decoded} />}
      {tab === 'server' && <ServerRowsPanel exchangeId={decoded.id} />}
    </section>
  );
}

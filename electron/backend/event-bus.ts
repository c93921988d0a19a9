import type { BackendEvent } from '../../shared/api/contract.js';

/** Fan-out of backend events to the WebSocket clients and the Electron bridge. */
export class EventBus {
  private listeners = new Set<(e: BackendEvent) => void>();
  on(listener: (e: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: BackendEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A failing listener (closed socket) must not stop the others.
      }
    }
  }
}

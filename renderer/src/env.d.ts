/// <reference types="vite/client" />
import type { PreloadBridge } from '../../shared/api/contract';

declare global {
  interface Window {
    /** Present inside Electron (preload bridge); absent in a browser. */
    mapiscope?: PreloadBridge;
  }
}
export {};

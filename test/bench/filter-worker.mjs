// Worker entry: registers tsx (as bin/mapiscope.mjs does) so the TypeScript worker can be loaded.
import { register } from 'tsx/esm/api';

register();
await import('./filter-worker.ts');

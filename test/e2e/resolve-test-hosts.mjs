// Test only (loaded with `node --import`): resolves the made-up host names listed in
// MAPISCOPE_TEST_HOSTS to 127.0.0.1 inside this process, so no hosts file is edited.
import dns from 'node:dns';

const names = new Set(
  (process.env.MAPISCOPE_TEST_HOSTS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean),
);
const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (!names.has(String(hostname).toLowerCase())) return lookup.call(this, hostname, options, callback);
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'object' && options !== null ? options : {};
  if (opts.all) process.nextTick(cb, null, [{ address: '127.0.0.1', family: 4 }]);
  else process.nextTick(cb, null, '127.0.0.1', 4);
  return {};
};

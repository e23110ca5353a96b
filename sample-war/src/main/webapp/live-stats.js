// The live stats panel: the server publishes what realtime's own meters say on `stats:live` every
// second (LiveStats.java); this shows it. Read-only for clients.
export const STATS_CHANNEL = 'stats:live';

const $ = (id) => document.getElementById(id);

function lag(value) {
  return typeof value === 'number' ? value.toFixed(value < 10 ? 1 : 0) : '\u2013';
}

export function render(stats) {
  const panel = $('live-stats');
  if (!panel || !stats || typeof stats !== 'object') return;
  for (const row of panel.querySelectorAll('tbody tr')) {
    const t = (stats.transports || {})[row.dataset.transport] || {};
    row.querySelector('.connections').textContent = String(t.connections ?? '\u2013');
    row.querySelector('.p50').textContent = lag(t.lagP50);
    row.querySelector('.p99').textContent = lag(t.lagP99);
  }
  $('stats-published').textContent = String(stats.publishedPerSecond ?? '\u2013');
  $('stats-published-total').textContent = String(stats.published ?? '\u2013');
  $('stats-delivered').textContent = String(stats.deliveredPerSecond ?? '\u2013');
  panel.dataset.updated = String(Date.now());
  $('stats-age').textContent = new Date().toLocaleTimeString();
}

/** Subscribes the client to the stats channel; each message redraws the panel. */
export function watch(client) {
  client.subscribe(STATS_CHANNEL, (message) => {
    if (message.event === 'stats') render(message.data);
  });
}

// Server-sent events: subscribe(path, onEvent) -> cleanup. Wraps EventSource (which
// reconnects by itself). onEvent(data, type) gets each event's data parsed as JSON when it
// is JSON (else the text) and its type ('message' for unnamed events). Name the other event
// types to listen to in `events`. Call the cleanup when the page is left.
//
//   const stop = subscribe('/api/console/overview/stream', (d) => chart.update(d.series));

import {url} from './api.js';

export function subscribe(path, onEvent, {events = [], query, onError} = {}) {
  const source = new EventSource(url(path, query), {withCredentials: true});
  const handler = (ev) => {
    let data = ev.data;
    try { data = JSON.parse(ev.data); } catch { /* not JSON: the text */ }
    onEvent(data, ev.type);
  };
  source.addEventListener('message', handler);
  for (const name of events) source.addEventListener(name, handler);
  if (onError) source.addEventListener('error', onError);
  return () => source.close();
}

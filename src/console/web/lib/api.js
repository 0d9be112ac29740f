// The console's JSON API client. api(path, {method, body, query}) -> the parsed JSON answer.
//
//   const page = await api('/api/console/topics', {query: {limit: 50, cursor}});
//   await api('/api/console/topics/' + encodeURIComponent(name), {method: 'DELETE'});
//
// `path` is absolute ("/api/console/...") or relative to /api/console ("topics" and
// "/topics" are not the same: only paths starting with "/api/" are taken as they are).
// `query` is an object; null, undefined and '' values are left out. `body` is sent as JSON.
// Every non-GET request carries the session's CSRF token (X-CSRF-Token), fetched once from
// GET /api/console/session and refreshed once if the server says it is stale.
// Errors throw ApiError {status, message, code}: the server's {"error_code", "message"}, or
// status 0 when the server could not be reached. A 401 also fires `kappa:unauthorized` on
// window (the shell then shows the login form).

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code ?? status;
  }
}

let csrfToken = null;
let sessionPromise = null;

// GET /api/console/session: {auth_required, user, csrf_token, version}. Cached; pass
// refresh to ask again (after a login or a logout).
export function session(refresh = false) {
  if (refresh || !sessionPromise) {
    sessionPromise = request('GET', '/api/console/session').then((s) => {
      csrfToken = s.csrf_token || null;
      return s;
    });
    sessionPromise.catch(() => { sessionPromise = null; });
  }
  return sessionPromise;
}

export function url(path, query) {
  let p = path.startsWith('/api/') ? path : '/api/console/' + path.replace(/^\/+/, '');
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === null || v === undefined || v === '') continue;
      q.append(k, String(v));
    }
    const s = q.toString();
    if (s) p += (p.includes('?') ? '&' : '?') + s;
  }
  return p;
}

async function request(method, path, body, token) {
  const headers = {Accept: 'application/json'};
  const init = {method, headers, credentials: 'same-origin'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (token) headers['X-CSRF-Token'] = token;
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'the console server cannot be reached (' + e.message + ')');
  }
  const text = await res.text();
  let doc = null;
  if (text) {
    try { doc = JSON.parse(text); } catch { doc = null; }
  }
  if (!res.ok) {
    const message = doc && typeof doc.message === 'string' ? doc.message
      : 'HTTP ' + res.status + ' ' + res.statusText;
    const err = new ApiError(res.status, message, doc && doc.error_code);
    // A wrong password is the login form's own error, not a lost session.
    if (res.status === 401 && path !== '/api/console/login' && typeof window !== 'undefined') {
      window.dispatchEvent(new CustomEvent('kappa:unauthorized', {detail: err}));
    }
    throw err;
  }
  if (doc === null && text) throw new ApiError(res.status, 'the answer is not JSON');
  return doc;
}

// The CSRF error code the server uses for a missing or stale token (docs/formats/console-api.md).
export const CSRF_ERROR = 40301;

export async function api(path, {method = 'GET', body, query} = {}) {
  method = method.toUpperCase();
  const p = url(path, query);
  if (method === 'GET' || method === 'HEAD') return request(method, p, body);
  if (!csrfToken) await session();
  try {
    return await request(method, p, body, csrfToken);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== CSRF_ERROR) throw e;
    await session(true);  // the server restarted or the session changed: one retry
    return request(method, p, body, csrfToken);
  }
}

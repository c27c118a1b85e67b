// The controller's API as the console calls it: same origin, the session cookie, and the header
// that tells the controller a change comes from this page (a cross-site form cannot send it).

export class APIError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status}`);
    this.status = status;
    this.problem = problem || null;
  }
}

let onSignedOut = () => {};
export function whenSignedOut(handler) { onSignedOut = handler; }

export async function call(method, path, body, { raw = false, contentType } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-Qonduit-CSRF'] = '1';
  let payload;
  if (body !== undefined) {
    if (raw) {
      payload = body;
      if (contentType) headers['Content-Type'] = contentType;
    } else {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/v1/session') onSignedOut();
    throw new APIError(response.status, json);
  }
  return json;
}

/// Every item of a paged list, page by page.
export async function all(path) {
  const items = [];
  const separator = path.includes('?') ? '&' : '?';
  for (let offset = 0; ; ) {
    const page = await call('GET', `${path}${separator}limit=1000&offset=${offset}`);
    items.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return items;
  }
}

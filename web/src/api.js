// The JSON API of `detente serve` (docs/api.md). Every call may fail; the
// error carries the server's message so the panel can show it.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * GET api/<path>?<params>. Empty, null and undefined params are left out.
 * @returns {Promise<any>} the parsed JSON body
 * @throws {ApiError} on a non-2xx answer, a network error or a body that is not JSON
 */
export async function api(path, params = {}, signal) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const q = qs.toString();
  const url = `api/${path}${q ? `?${q}` : ''}`;
  let res;
  try {
    res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `cannot reach the server (${e.message})`);
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(res.status, `${url}: the answer is not JSON (HTTP ${res.status})`);
  }
  if (!res.ok) {
    const msg = body && body.error && body.error.message ? body.error.message : `HTTP ${res.status}`;
    throw new ApiError(res.status, msg);
  }
  return body;
}

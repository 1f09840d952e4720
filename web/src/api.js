// HTTP calls to the NN Wallet API: the bearer token, Idempotency-Key on writes, JSON in and
// out. An error answer becomes an ApiError carrying the server's error object.
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.error = error ?? { code: 'http_error', message: `HTTP ${status}` };
  }
}

let token = null;
export const setToken = (value) => { token = value; };
export const getToken = () => token;

export function newKey(prefix = 'web') {
  return `${prefix}-${crypto.randomUUID()}`;
}

export async function api(method, path, { body, key, raw = false } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (key) headers['Idempotency-Key'] = key;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (raw && response.ok) return response;
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, parsed?.error ?? parsed);
  return parsed;
}

export const get = (path) => api('GET', path);
export const post = (path, body, key = newKey()) => api('POST', path, { body, key });

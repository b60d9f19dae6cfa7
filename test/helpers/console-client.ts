/** A logged-in console session over HTTP (cookie + CSRF token), for integration tests. */
export interface ConsoleClient {
  get<T = any>(path: string): Promise<{ status: number; body: T }>;
  post<T = any>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export async function loginConsole(baseUrl: string, email: string, password: string): Promise<ConsoleClient> {
  const res = await fetch(`${baseUrl}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`login ${email}: HTTP ${res.status}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}/console/api${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    return { status: r.status, body: (await r.json().catch(() => ({}))) as any };
  };
  return { get: (p) => call('GET', p), post: (p, b) => call('POST', p, b) };
}

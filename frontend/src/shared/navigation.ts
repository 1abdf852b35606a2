/** Where to go after log-in: only a same-site path (no open redirect through ?next=). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/'
}
